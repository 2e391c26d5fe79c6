"""Security guardrails: prompt injection, jailbreak, PII and content checks.

Mirrors "Security Guardrails" in the reference docs.
"""

import crucible_ir as ir
from crucible_ir import reliability

guardrails = reliability.Guardrail(
    profiles=["strict"],
    prompt_injection_detection=True,
    jailbreak_detection=True,
    pii_detection=True,
    pii_redaction=True,
    fail_on_detection=True,
)
experiment = ir.new_experiment(
    id="secure_exp",
    backend=ir.BackendRef(id="gpt4"),
    pipeline=[ir.StageDef(name="inference")],
    reliability=reliability.Config(guardrails=guardrails),
)
ir.validate(experiment)

# The flags a guardrail engine would read; None means "not specified".
data = ir.to_dict(guardrails)
enabled = sorted(key for key, value in data.items() if value is True)
unset = sorted(key for key, value in data.items() if value is None)
print("profiles:", guardrails.profiles)
print("enabled:", ", ".join(enabled))
print("unset:", ", ".join(unset))

# Note the field is `guardrails` on reliability.Config but the type is `Guardrail`.
print("section type:", type(experiment.reliability.guardrails).__name__)

# A common slip in hand-written config: quoting booleans or leaving a profile blank.
bad = reliability.Guardrail(profiles=["strict", ""], pii_redaction="true")
try:
    ir.validate(bad)
except ir.ValidationError as exc:
    print("rejected:")
    for issue in exc.errors:
        print("  ", issue)
