namespace Broker.Disks.Tests.State;

/// <summary>A stand-in for an agent's state record (a chain manifest, say).</summary>
public sealed record TestState(string DesktopId, long Epoch, IReadOnlyList<string> Layers);
