using Grpc.Core;

namespace Broker.Server.Agents;

/// <summary>Why the broker refused an agent's request: a gRPC status, a stable reason and a sentence.</summary>
/// <param name="Status">The gRPC status a unary call ends with.</param>
/// <param name="Reason">Machine-readable, e.g. <c>PermissionDenied</c>, <c>StaleEpoch</c>, <c>IllegalTransition</c>.</param>
/// <param name="Detail">For logs and people.</param>
internal sealed record AgentRefusal(StatusCode Status, string Reason, string Detail)
{
    /// <summary>Trailer that carries <see cref="Reason"/> on a failed call.</summary>
    public const string ReasonTrailer = "broker-reason";

    /// <summary>The desktop is unknown or not this agent's (the two are not told apart).</summary>
    public static AgentRefusal NotYours { get; } = new(StatusCode.PermissionDenied, "PermissionDenied", "The desktop is not one of this agent's.");

    /// <summary>The agent may not ask this at all now (e.g. its device's user is locked out).</summary>
    public static AgentRefusal Denied(string detail) => new(StatusCode.PermissionDenied, "PermissionDenied", detail);

    /// <summary>The named thing is not among the caller's (for a device: its user's desktops).</summary>
    public static AgentRefusal NotFound(string detail) => new(StatusCode.NotFound, "NotFound", detail);

    /// <summary>A field is missing or malformed.</summary>
    public static AgentRefusal Malformed(string detail) => new(StatusCode.InvalidArgument, "Malformed", detail);

    /// <summary>The desktop's state or epoch does not allow the request.</summary>
    public static AgentRefusal Precondition(string reason, string detail) => new(StatusCode.FailedPrecondition, reason, detail);

    /// <summary>The exception a unary call throws for this refusal.</summary>
    public RpcException ToException() => new(new Status(Status, Detail), new Metadata { { ReasonTrailer, Reason } });
}
