from awards.models.types import AwardType

__all__ = ["AwardType"]
