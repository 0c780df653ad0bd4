namespace Broker.Nbd.Protocol;

/// <summary>Flags the client answers the greeting with; any other bit ends the session.</summary>
[Flags]
internal enum ClientFlags : uint
{
    None = 0,
    FixedNewstyle = 1 << 0,
    NoZeroes = 1 << 1,
}
