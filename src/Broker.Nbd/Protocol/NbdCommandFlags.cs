namespace Broker.Nbd.Protocol;

/// <summary>Command flags of a transmission request.</summary>
[Flags]
internal enum NbdCommandFlags : ushort
{
    None = 0,
    ForceUnitAccess = 1 << 0,
    NoHole = 1 << 1,
    DoNotFragment = 1 << 2,
    RequestOne = 1 << 3,
    FastZero = 1 << 4,
}
