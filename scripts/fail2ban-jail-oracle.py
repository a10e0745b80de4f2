#!/usr/bin/env python3
"""Differential oracle for Bulwark's jail engine: runs fail2ban's own FailManager and
bantime.increment formula on the cases given as JSON on stdin, prints the results as JSON.

Input:  {"failures": [{"maxretry": 3, "findtime": 600, "events": [["1.2.3.4", 0.0], ...]}],
         "increments": [{"settings": {"factor": "1", ...}, "cases": [[600, 0], ...]}]}
Output: {"failures": [[attempts, ...]], "increments": [[bantime, ...]]}

A key reaching maxretry is banned (removed, as toBan does); cleanup(time) runs before each
failure, as fail2ban's service task would have by then.
"""
import json
import logging
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
logging.disable(logging.CRITICAL)

from fail2ban.server.failmanager import FailManager, FailManagerEmpty  # noqa: E402
from fail2ban.server.jail import Jail  # noqa: E402
from fail2ban.server.observer import ObserverThread  # noqa: E402
from fail2ban.server.ticket import FailTicket  # noqa: E402


def run_failures(case):
    fm = FailManager()
    fm.setMaxRetry(case["maxretry"])
    fm.setMaxTime(case["findtime"])
    out = []
    for key, t in case["events"]:
        fm.cleanup(t)
        attempts = fm.addFailure(FailTicket(key, t))
        out.append(attempts)
        if attempts >= case["maxretry"]:
            try:
                fm.toBan(key)
            except FailManagerEmpty:
                pass
    return out


def run_increment(case):
    jail = Jail("oracle", backend="polling")
    jail.setBanTimeExtra("increment", "true")
    for k, v in case["settings"].items():
        jail.setBanTimeExtra(k, v)
    f = jail.getBanTimeExtra()["evformula"]
    return [f(ObserverThread.BanTimeIncr(t, n)) for t, n in case["cases"]]


def main():
    req = json.load(sys.stdin)
    res = {
        "failures": [run_failures(c) for c in req.get("failures", [])],
        "increments": [run_increment(c) for c in req.get("increments", [])],
    }
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
