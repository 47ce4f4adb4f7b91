"""The publish rule: does a verified adapter go out, and which finetune items did it fix?

The worker reports facts (counts of failures before and after, per subtype, on held-out cases and on the
regression set outside the selection); the server alone decides, so every worker, local or on a cluster,
is held to the same rule:

- the held-out failure rate must drop, and
- outside the trained behavior, neither the failure rate nor the share of cases that passed before and
  fail now may rise by more than `regression_threshold`.

Only a published adapter closes items, and only the items whose case re-diagnosed as passing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Verdict:
    published: bool
    reasons: tuple[str, ...]
    fixed: tuple[Mapping[str, Any], ...]
    """The verification's `fixed` entries (case_id, item_ids, split, evidence) eligible for closing."""

    def to_dict(self) -> dict[str, Any]:
        return {"published": self.published, "reasons": list(self.reasons)}


def _rate(block: Mapping[str, Any], key: str) -> float:
    n = float(block.get("n") or 0)
    return float(block.get(key) or 0) / n if n else 0.0


def decide(verification: Mapping[str, Any], regression_threshold: float) -> Verdict:
    """Apply the publish rule to a worker's verification report."""
    held = verification.get("held_out") or {}
    reg = verification.get("regression") or {}
    reasons: list[str] = []
    ok = True
    if not held.get("n"):
        ok = False
        reasons.append("no held-out failures were verified")
    else:
        before, after = _rate(held, "before_failures"), _rate(held, "after_failures")
        if after < before:
            reasons.append(f"held-out failure rate dropped from {before:.3f} to {after:.3f}")
        else:
            ok = False
            reasons.append(f"held-out failure rate did not drop ({before:.3f} -> {after:.3f})")
    if reg.get("n"):
        before, after = _rate(reg, "before_failures"), _rate(reg, "after_failures")
        broken = _rate(reg, "newly_failing")
        if after - before > regression_threshold or broken > regression_threshold:
            ok = False
            reasons.append(f"regression outside the selection: failure rate {before:.3f} -> {after:.3f}, "
                           f"{broken:.3f} newly failing (threshold {regression_threshold:.3f})")
        else:
            reasons.append(f"no regression outside the selection ({before:.3f} -> {after:.3f}, "
                           f"{broken:.3f} newly failing)")
    else:
        reasons.append("no regression set (nothing outside the selection to check)")
    fixed = tuple(f for f in verification.get("fixed") or () if f.get("item_ids")) if ok else ()
    return Verdict(ok, tuple(reasons), fixed)
