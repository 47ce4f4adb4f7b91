import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from server._proto.formfact.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DiagnoseRequest(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: _records_pb2.FailureRecord
    def __init__(self, record: _Optional[_Union[_records_pb2.FailureRecord, _Mapping]] = ...) -> None: ...

class DiagnoseResponse(_message.Message):
    __slots__ = ("diagnosis", "queue_item_ids")
    DIAGNOSIS_FIELD_NUMBER: _ClassVar[int]
    QUEUE_ITEM_IDS_FIELD_NUMBER: _ClassVar[int]
    diagnosis: _records_pb2.Diagnosis
    queue_item_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, diagnosis: _Optional[_Union[_records_pb2.Diagnosis, _Mapping]] = ..., queue_item_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class DiagnoseStreamResponse(_message.Message):
    __slots__ = ("index", "diagnosis", "error")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    index: int
    diagnosis: _records_pb2.Diagnosis
    error: _records_pb2.RecordError
    def __init__(self, index: _Optional[int] = ..., diagnosis: _Optional[_Union[_records_pb2.Diagnosis, _Mapping]] = ..., error: _Optional[_Union[_records_pb2.RecordError, _Mapping]] = ...) -> None: ...

class GetDiagnosisRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListDiagnosesRequest(_message.Message):
    __slots__ = ("label", "subtype", "route", "model", "since", "until", "page_size", "page_token")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SUBTYPE_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    label: str
    subtype: str
    route: str
    model: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, label: _Optional[str] = ..., subtype: _Optional[str] = ..., route: _Optional[str] = ..., model: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDiagnosesResponse(_message.Message):
    __slots__ = ("diagnoses", "next_page_token")
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    diagnoses: _containers.RepeatedCompositeFieldContainer[_records_pb2.Diagnosis]
    next_page_token: str
    def __init__(self, diagnoses: _Optional[_Iterable[_Union[_records_pb2.Diagnosis, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SubmitFeedbackRequest(_message.Message):
    __slots__ = ("id", "label", "subtypes", "comment", "author")
    ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SUBTYPES_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    id: str
    label: str
    subtypes: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    author: str
    def __init__(self, id: _Optional[str] = ..., label: _Optional[str] = ..., subtypes: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ..., author: _Optional[str] = ...) -> None: ...

class SubmitFeedbackResponse(_message.Message):
    __slots__ = ("feedback_id",)
    FEEDBACK_ID_FIELD_NUMBER: _ClassVar[int]
    feedback_id: str
    def __init__(self, feedback_id: _Optional[str] = ...) -> None: ...
