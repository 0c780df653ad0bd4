namespace Broker.Persistence;

/// <summary>Column sizes shared by several tables.</summary>
internal static class RowLimits
{
    /// <summary>Enums are stored by name; no member name is longer.</summary>
    public const int EnumLength = 40;

    /// <summary>Identity user ids and group ids.</summary>
    public const int PrincipalIdLength = 450;
}
