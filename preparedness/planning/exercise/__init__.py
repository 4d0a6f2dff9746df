"""Tabletop exercises built from the model's weak points: the story played, its modules and
injects (MSEL), contingency injects, discussion questions, evaluation guide, AAR/IP draft and
role cards. Language-neutral: ``reports/exercise`` writes them in Chinese or English."""

from .package import DIFFICULTIES, ExercisePackage, plan_exercise

__all__ = ["DIFFICULTIES", "ExercisePackage", "plan_exercise"]
