namespace Broker.Testing.Storage;

/// <summary>What <see cref="CrashTester.RunAsync"/> explores besides the crash points.</summary>
public sealed record CrashTestOptions
{
    /// <summary>
    /// The state to start from, e.g. a disk materialised after an earlier crash; it is forked,
    /// never changed. Empty storage when null.
    /// </summary>
    public CrashingStorage? Initial { get; init; }

    /// <summary>
    /// Builds the starting state on a fork of <see cref="Initial"/> (run once, never crashed; what it leaves unflushed stays
    /// unflushed when the operation starts).
    /// </summary>
    public Func<CrashingStorage, CancellationToken, Task>? Setup { get; init; }

    /// <summary>The materialisation modes to verify at every crash point; all of them by default.</summary>
    public IReadOnlyList<CrashMode> Modes { get; init; } = Enum.GetValues<CrashMode>();

    /// <summary>Seeds for the randomised modes (random subset, torn writes); the others run once.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3, 4];
}
