namespace Lem.Engine.Inference;

/// <summary>How the engine drives a backend; both shapes produce the same per-request records.</summary>
public enum ExecutionShape
{
    /// <summary>The engine forms batches and the backend generates each (<see cref="IBatchModel"/>).</summary>
    Batch,

    /// <summary>The engine dispatches requests and the backend streams each one's tokens (<see cref="IRequestModel"/>).</summary>
    Request,
}
