namespace Broker.Vhdx;

/// <summary>How bad a problem found by <see cref="VhdxFile.CheckAsync"/> is.</summary>
public enum VhdxCheckSeverity
{
    /// <summary>The file is damaged or not openable, or must be repaired (e.g. a dirty log).</summary>
    Corruption,

    /// <summary>Readers cope, but something is not as the format asks (e.g. one header copy invalid).</summary>
    Warning,
}
