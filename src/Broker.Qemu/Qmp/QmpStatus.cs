namespace Broker.Qemu.Qmp;

/// <summary>The reply to <c>query-status</c>.</summary>
/// <param name="Running">True while guest CPUs run.</param>
/// <param name="Status">QEMU's run state, for example <c>running</c>, <c>paused</c> or <c>shutdown</c>.</param>
public sealed record QmpStatus(bool Running, string Status);
