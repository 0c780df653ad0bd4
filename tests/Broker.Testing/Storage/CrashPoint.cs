namespace Broker.Testing.Storage;

/// <summary>
/// Where a crash test crashed and how it materialised the disk: after
/// <see cref="CompletedOperations"/> of <see cref="TotalOperations"/> counted operations (equal
/// means the operation had returned), in <see cref="Mode"/> with <see cref="Seed"/>.
/// </summary>
public sealed record CrashPoint(
    int CompletedOperations,
    int TotalOperations,
    CrashMode Mode,
    int Seed,
    string? RefusedOperation,
    IReadOnlyList<string> OperationLog)
{
    /// <summary>True when the crash came after the operation had returned.</summary>
    public bool OperationCompleted => CompletedOperations == TotalOperations;

    public override string ToString() =>
        $"crash after {CompletedOperations} of {TotalOperations} operations ({RefusedOperation ?? "none refused"}), {Mode}, seed {Seed}";
}
