namespace Broker.Vhdx;

/// <summary>One problem found by <see cref="VhdxFile.CheckAsync"/>.</summary>
/// <param name="Severity">Corruption or warning.</param>
/// <param name="Structure">The on-disk structure at fault.</param>
/// <param name="FileOffset">Where it is, or -1.</param>
/// <param name="Description">What is wrong.</param>
public sealed record VhdxCheckProblem(VhdxCheckSeverity Severity, string Structure, long FileOffset, string Description);
