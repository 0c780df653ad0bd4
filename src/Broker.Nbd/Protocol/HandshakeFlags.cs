namespace Broker.Nbd.Protocol;

/// <summary>Handshake flags the server sends after the greeting magic.</summary>
[Flags]
internal enum HandshakeFlags : ushort
{
    None = 0,
    FixedNewstyle = 1 << 0,
    NoZeroes = 1 << 1,
}
