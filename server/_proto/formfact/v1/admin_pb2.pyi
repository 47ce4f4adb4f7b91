import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RetrainClassifierRequest(_message.Message):
    __slots__ = ("force", "seed")
    FORCE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    force: bool
    seed: int
    def __init__(self, force: _Optional[bool] = ..., seed: _Optional[int] = ...) -> None: ...

class ClassifierVersion(_message.Message):
    __slots__ = ("version", "active", "metrics_json", "feedback_count", "created_at")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    METRICS_JSON_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    version: str
    active: bool
    metrics_json: str
    feedback_count: int
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, version: _Optional[str] = ..., active: _Optional[bool] = ..., metrics_json: _Optional[str] = ..., feedback_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RetrainEvent(_message.Message):
    __slots__ = ("stage", "fraction", "message", "candidate", "activated", "active_version")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    ACTIVATED_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_VERSION_FIELD_NUMBER: _ClassVar[int]
    stage: str
    fraction: float
    message: str
    candidate: ClassifierVersion
    activated: bool
    active_version: str
    def __init__(self, stage: _Optional[str] = ..., fraction: _Optional[float] = ..., message: _Optional[str] = ..., candidate: _Optional[_Union[ClassifierVersion, _Mapping]] = ..., activated: _Optional[bool] = ..., active_version: _Optional[str] = ...) -> None: ...

class ListClassifierVersionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListClassifierVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[ClassifierVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[ClassifierVersion, _Mapping]]] = ...) -> None: ...

class ActivateClassifierVersionRequest(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: str
    def __init__(self, version: _Optional[str] = ...) -> None: ...
