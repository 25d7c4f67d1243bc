"""Built-in detector kinds. Importing this package registers them all."""

from signals.engine.detectors import compliance, emotion, intent, phrase, upstream  # noqa: F401
from signals.engine.detectors.base import (
    REGISTRY,
    Detector,
    build,
    detector_kinds,
    register,
    validate_detector,
)

__all__ = ["REGISTRY", "Detector", "build", "detector_kinds", "register", "validate_detector"]
