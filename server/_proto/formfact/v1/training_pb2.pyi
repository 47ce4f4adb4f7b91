import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ItemSelection(_message.Message):
    __slots__ = ("subtypes", "models", "since", "until", "min_examples", "max_examples", "include_deferred")
    SUBTYPES_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    MIN_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    MAX_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DEFERRED_FIELD_NUMBER: _ClassVar[int]
    subtypes: _containers.RepeatedScalarFieldContainer[str]
    models: _containers.RepeatedScalarFieldContainer[str]
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    min_examples: int
    max_examples: int
    include_deferred: bool
    def __init__(self, subtypes: _Optional[_Iterable[str]] = ..., models: _Optional[_Iterable[str]] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., min_examples: _Optional[int] = ..., max_examples: _Optional[int] = ..., include_deferred: _Optional[bool] = ...) -> None: ...

class Hyperparameters(_message.Message):
    __slots__ = ("epochs", "learning_rate", "batch_size", "max_length", "lora_r", "lora_alpha", "lora_dropout", "target_modules", "seed", "eval_fraction", "regression_threshold", "max_new_tokens", "checkpoint_every", "max_steps", "regression_examples", "gradient_accumulation", "replay")
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    LORA_R_FIELD_NUMBER: _ClassVar[int]
    LORA_ALPHA_FIELD_NUMBER: _ClassVar[int]
    LORA_DROPOUT_FIELD_NUMBER: _ClassVar[int]
    TARGET_MODULES_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    EVAL_FRACTION_FIELD_NUMBER: _ClassVar[int]
    REGRESSION_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MAX_NEW_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_EVERY_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    REGRESSION_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    GRADIENT_ACCUMULATION_FIELD_NUMBER: _ClassVar[int]
    REPLAY_FIELD_NUMBER: _ClassVar[int]
    epochs: int
    learning_rate: float
    batch_size: int
    max_length: int
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    target_modules: _containers.RepeatedScalarFieldContainer[str]
    seed: int
    eval_fraction: float
    regression_threshold: float
    max_new_tokens: int
    checkpoint_every: int
    max_steps: int
    regression_examples: int
    gradient_accumulation: int
    replay: int
    def __init__(self, epochs: _Optional[int] = ..., learning_rate: _Optional[float] = ..., batch_size: _Optional[int] = ..., max_length: _Optional[int] = ..., lora_r: _Optional[int] = ..., lora_alpha: _Optional[int] = ..., lora_dropout: _Optional[float] = ..., target_modules: _Optional[_Iterable[str]] = ..., seed: _Optional[int] = ..., eval_fraction: _Optional[float] = ..., regression_threshold: _Optional[float] = ..., max_new_tokens: _Optional[int] = ..., checkpoint_every: _Optional[int] = ..., max_steps: _Optional[int] = ..., regression_examples: _Optional[int] = ..., gradient_accumulation: _Optional[int] = ..., replay: _Optional[int] = ...) -> None: ...

class CreateTrainingJobRequest(_message.Message):
    __slots__ = ("base_model", "selection", "hyperparameters", "idempotency_key", "backend")
    BASE_MODEL_FIELD_NUMBER: _ClassVar[int]
    SELECTION_FIELD_NUMBER: _ClassVar[int]
    HYPERPARAMETERS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    base_model: str
    selection: ItemSelection
    hyperparameters: Hyperparameters
    idempotency_key: str
    backend: str
    def __init__(self, base_model: _Optional[str] = ..., selection: _Optional[_Union[ItemSelection, _Mapping]] = ..., hyperparameters: _Optional[_Union[Hyperparameters, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., backend: _Optional[str] = ...) -> None: ...

class JobError(_message.Message):
    __slots__ = ("code", "message", "details")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    details: _struct_pb2.Struct
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class TrainingJob(_message.Message):
    __slots__ = ("job_id", "state", "base_model", "selection", "hyperparameters", "idempotency_key", "validation_report", "error", "worker_id", "attempts", "cancel_requested", "metrics", "verification", "artifact_path", "manifest", "adapter_ready", "closed_items", "created_at", "updated_at", "last_event_seq", "backend", "dataset_hash")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BASE_MODEL_FIELD_NUMBER: _ClassVar[int]
    SELECTION_FIELD_NUMBER: _ClassVar[int]
    HYPERPARAMETERS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_REPORT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_PATH_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_FIELD_NUMBER: _ClassVar[int]
    ADAPTER_READY_FIELD_NUMBER: _ClassVar[int]
    CLOSED_ITEMS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_SEQ_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    DATASET_HASH_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    state: str
    base_model: str
    selection: ItemSelection
    hyperparameters: Hyperparameters
    idempotency_key: str
    validation_report: _struct_pb2.Struct
    error: JobError
    worker_id: str
    attempts: int
    cancel_requested: bool
    metrics: _struct_pb2.Struct
    verification: _struct_pb2.Struct
    artifact_path: str
    manifest: _struct_pb2.Struct
    adapter_ready: bool
    closed_items: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    last_event_seq: int
    backend: str
    dataset_hash: str
    def __init__(self, job_id: _Optional[str] = ..., state: _Optional[str] = ..., base_model: _Optional[str] = ..., selection: _Optional[_Union[ItemSelection, _Mapping]] = ..., hyperparameters: _Optional[_Union[Hyperparameters, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., validation_report: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., error: _Optional[_Union[JobError, _Mapping]] = ..., worker_id: _Optional[str] = ..., attempts: _Optional[int] = ..., cancel_requested: _Optional[bool] = ..., metrics: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., verification: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., artifact_path: _Optional[str] = ..., manifest: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., adapter_ready: _Optional[bool] = ..., closed_items: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_event_seq: _Optional[int] = ..., backend: _Optional[str] = ..., dataset_hash: _Optional[str] = ...) -> None: ...

class GetTrainingJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class ListTrainingJobsRequest(_message.Message):
    __slots__ = ("state", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: str
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTrainingJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[TrainingJob]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[TrainingJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelTrainingJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class WatchTrainingJobRequest(_message.Message):
    __slots__ = ("job_id", "after_seq")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    after_seq: int
    def __init__(self, job_id: _Optional[str] = ..., after_seq: _Optional[int] = ...) -> None: ...

class TrainingEvent(_message.Message):
    __slots__ = ("seq", "job_id", "time", "kind", "state", "step", "total_steps", "epoch", "loss", "learning_rate", "tokens_per_second", "peak_memory_bytes", "message", "details")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    PEAK_MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    job_id: str
    time: _timestamp_pb2.Timestamp
    kind: str
    state: str
    step: int
    total_steps: int
    epoch: float
    loss: float
    learning_rate: float
    tokens_per_second: float
    peak_memory_bytes: int
    message: str
    details: _struct_pb2.Struct
    def __init__(self, seq: _Optional[int] = ..., job_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., kind: _Optional[str] = ..., state: _Optional[str] = ..., step: _Optional[int] = ..., total_steps: _Optional[int] = ..., epoch: _Optional[float] = ..., loss: _Optional[float] = ..., learning_rate: _Optional[float] = ..., tokens_per_second: _Optional[float] = ..., peak_memory_bytes: _Optional[int] = ..., message: _Optional[str] = ..., details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class LeaseTrainingJobRequest(_message.Message):
    __slots__ = ("worker_id", "lease_seconds")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    lease_seconds: float
    def __init__(self, worker_id: _Optional[str] = ..., lease_seconds: _Optional[float] = ...) -> None: ...

class LeaseTrainingJobResponse(_message.Message):
    __slots__ = ("leased", "job", "lease_token", "lease_expires_at")
    LEASED_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    leased: bool
    job: TrainingJob
    lease_token: str
    lease_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, leased: _Optional[bool] = ..., job: _Optional[_Union[TrainingJob, _Mapping]] = ..., lease_token: _Optional[str] = ..., lease_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("job_id", "lease_token", "lease_seconds")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LEASE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    lease_token: str
    lease_seconds: float
    def __init__(self, job_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., lease_seconds: _Optional[float] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ("cancel_requested", "lease_expires_at")
    CANCEL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    cancel_requested: bool
    lease_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, cancel_requested: _Optional[bool] = ..., lease_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetTrainingDatasetRequest(_message.Message):
    __slots__ = ("job_id", "lease_token")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    lease_token: str
    def __init__(self, job_id: _Optional[str] = ..., lease_token: _Optional[str] = ...) -> None: ...

class TrainingDataset(_message.Message):
    __slots__ = ("job_id", "dataset_hash", "dataset_json")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    DATASET_HASH_FIELD_NUMBER: _ClassVar[int]
    DATASET_JSON_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    dataset_hash: str
    dataset_json: bytes
    def __init__(self, job_id: _Optional[str] = ..., dataset_hash: _Optional[str] = ..., dataset_json: _Optional[bytes] = ...) -> None: ...

class ReportProgressRequest(_message.Message):
    __slots__ = ("job_id", "lease_token", "events")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    lease_token: str
    events: _containers.RepeatedCompositeFieldContainer[TrainingEvent]
    def __init__(self, job_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., events: _Optional[_Iterable[_Union[TrainingEvent, _Mapping]]] = ...) -> None: ...

class ReportProgressResponse(_message.Message):
    __slots__ = ("cancel_requested", "last_event_seq")
    CANCEL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_SEQ_FIELD_NUMBER: _ClassVar[int]
    cancel_requested: bool
    last_event_seq: int
    def __init__(self, cancel_requested: _Optional[bool] = ..., last_event_seq: _Optional[int] = ...) -> None: ...

class CompleteTrainingJobRequest(_message.Message):
    __slots__ = ("job_id", "lease_token", "cancelled", "metrics", "verification", "artifact_path", "manifest")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_PATH_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    lease_token: str
    cancelled: bool
    metrics: _struct_pb2.Struct
    verification: _struct_pb2.Struct
    artifact_path: str
    manifest: _struct_pb2.Struct
    def __init__(self, job_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., cancelled: _Optional[bool] = ..., metrics: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., verification: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., artifact_path: _Optional[str] = ..., manifest: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class FailTrainingJobRequest(_message.Message):
    __slots__ = ("job_id", "lease_token", "error")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    LEASE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    lease_token: str
    error: JobError
    def __init__(self, job_id: _Optional[str] = ..., lease_token: _Optional[str] = ..., error: _Optional[_Union[JobError, _Mapping]] = ...) -> None: ...
