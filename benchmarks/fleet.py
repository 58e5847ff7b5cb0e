"""A fleet of 5,000 widgets on the real scheduling code (app.core.tracking.PollSchedule), in simulated
time: how many PollUserStatus requests reach the service per second in each scenario, as a ratio to
the steady mean measured in the same run (the floor). Goal: every scenario's peak within 1.3x.

    python benchmarks/fleet.py [--widgets 5000] [--interval 15] [--seed 1]

Each widget follows the controller's rules: after a poll, wait `next_delay()` (jitter, back-off after
failures); on an event every desktop sees at once (network back, wake from sleep) wait
`delay_after_wake()` instead; a background poll is one attempt. For comparison, the "previous rules"
column replays the same scenarios with what the widget did before: poll at once on such events, and
three attempts per background poll with 0.5 s / 1 s full-jitter back-off between them.
"""

from __future__ import annotations

import argparse
import heapq
import random
from collections import Counter
from dataclasses import dataclass

from app.core.tracking import PollSchedule

WARM_UP = 120.0  # seconds before the steady window: start-up spread settles
MEASURE = 600.0  # length of each measured window


@dataclass(frozen=True)
class Scenario:
    name: str
    window: tuple[float, float]  # measured (start, end) in simulated seconds
    service_down: tuple[float, float] | None = None  # requests reach the service and fail
    network_down: tuple[float, float] | None = None  # requests never reach the service
    asleep: tuple[float, float] | None = None  # every PC suspended: no timers run
    wake_signal: bool = True  # the desktop says the PC woke (logind); else only the poll timer notices


EVENT_AT = WARM_UP + 180.0
SCENARIOS = [
    Scenario("steady", (WARM_UP, WARM_UP + MEASURE)),
    Scenario("network back", (EVENT_AT + 60, EVENT_AT + 60 + MEASURE), network_down=(EVENT_AT, EVENT_AT + 60)),
    Scenario("resume after sleep", (EVENT_AT + 3600, EVENT_AT + 3600 + MEASURE), asleep=(EVENT_AT, EVENT_AT + 3600)),
    Scenario(
        "resume, no signal",
        (EVENT_AT + 3600, EVENT_AT + 3600 + MEASURE),
        asleep=(EVENT_AT, EVENT_AT + 3600),
        wake_signal=False,
    ),
    Scenario("outage", (EVENT_AT, EVENT_AT + MEASURE), service_down=(EVENT_AT, EVENT_AT + MEASURE)),
    Scenario("recovery", (EVENT_AT + MEASURE, EVENT_AT + 2 * MEASURE), service_down=(EVENT_AT, EVENT_AT + MEASURE)),
]


def inside(span: tuple[float, float] | None, moment: float) -> bool:
    return span is not None and span[0] <= moment < span[1]


def run(scenario: Scenario, widgets: int, interval: float, seed: int, *, previous_rules: bool) -> Counter[int]:
    """Requests reaching the service, per whole second of simulated time."""
    rng = random.Random(seed)
    schedules = [PollSchedule(interval, random.Random(rng.random())) for _ in range(widgets)]
    # (time, widget, generation, heard): a timer of that generation, or the widget hearing the event
    due: list[tuple[float, int, int, bool]] = []
    generation = [0] * widgets
    timer_due = [0.0] * widgets
    arrivals: Counter[int] = Counter()
    sleep = scenario.asleep

    def arm(widget: int, moment: float, delay: float) -> None:
        generation[widget] += 1
        timer_due[widget] = moment + delay
        heapq.heappush(due, (timer_due[widget], widget, generation[widget], False))

    for widget in range(widgets):
        arm(widget, 0.0, rng.uniform(0, interval))
    if scenario.network_down:  # the OS tells every widget the moment the network is back
        for widget in range(widgets):
            heapq.heappush(due, (scenario.network_down[1], widget, 0, True))
    if sleep:
        heapq.heappush(due, (sleep[1], -1, 0, False))  # the moment the PCs wake

    while due:
        moment, widget, stamp, heard = heapq.heappop(due)
        if moment >= scenario.window[1]:
            break
        if widget < 0:
            # The PCs wake: timers run on the monotonic clock, which stopped, so each fires what was
            # left of it after the wake. The desktop's wake signal reaches every widget at once; the
            # previous rules had a 10 s resume check notice it within 10 s.
            assert sleep is not None
            for other in range(widgets):
                arm(other, sleep[1], max(0.0, timer_due[other] - sleep[0]))
                if previous_rules:
                    heapq.heappush(due, (sleep[1] + rng.uniform(0, 10), other, 0, True))
                elif scenario.wake_signal:
                    heapq.heappush(due, (sleep[1], other, 0, True))
            continue
        if heard:
            if previous_rules:
                arm(widget, moment, 0.0)  # polled at once
            else:
                arm(widget, moment, schedules[widget].delay_after_wake())
            continue
        if stamp != generation[widget] or inside(sleep, moment):
            continue  # replaced, or due while asleep (re-armed on waking)
        schedule = schedules[widget]
        ok = False
        at = moment
        for attempt in range(3 if previous_rules else 1):
            if inside(scenario.network_down, at):
                break  # never reaches the service
            arrivals[int(at)] += 1
            if not inside(scenario.service_down, at):
                ok = True
                break
            at += rng.uniform(0, min(8.0, 0.5 * 2**attempt))
        if ok:
            schedule.record_success()
        else:
            schedule.record_failure()
        arm(widget, at, schedule.next_delay())
    return arrivals


def peak_and_mean(arrivals: Counter[int], window: tuple[float, float]) -> tuple[int, float]:
    seconds = range(int(window[0]), int(window[1]))
    counts = [arrivals.get(second, 0) for second in seconds]
    return max(counts), sum(counts) / len(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widgets", type=int, default=5000)
    parser.add_argument("--interval", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    steady = SCENARIOS[0]
    _peak, floor = peak_and_mean(
        run(steady, args.widgets, args.interval, args.seed, previous_rules=False), steady.window
    )
    print(f"{args.widgets} widgets, poll interval {args.interval:.0f} s; floor = steady mean {floor:.0f} requests/s")
    print(f"{'scenario':<20} {'peak/s':>7} {'mean/s':>7} {'peak/floor':>11} {'previous rules':>15}")
    for scenario in SCENARIOS:
        peak, mean = peak_and_mean(
            run(scenario, args.widgets, args.interval, args.seed, previous_rules=False), scenario.window
        )
        old_peak, _ = peak_and_mean(
            run(scenario, args.widgets, args.interval, args.seed, previous_rules=True), scenario.window
        )
        print(f"{scenario.name:<20} {peak:>7} {mean:>7.0f} {peak / floor:>10.2f}x {old_peak / floor:>14.2f}x")


if __name__ == "__main__":
    main()
