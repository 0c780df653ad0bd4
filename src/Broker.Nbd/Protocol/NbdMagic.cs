namespace Broker.Nbd.Protocol;

/// <summary>The magic numbers of the NBD wire protocol (doc/proto.md), all sent big-endian.</summary>
internal static class NbdMagic
{
    /// <summary>'NBDMAGIC', the first eight bytes the server sends.</summary>
    public const ulong InitPassword = 0x4E42444D41474943;

    /// <summary>'IHAVEOPT', the newstyle greeting and the prefix of every option request.</summary>
    public const ulong HaveOption = 0x49484156454F5054;

    /// <summary>Prefix of every fixed-newstyle option reply.</summary>
    public const ulong OptionReply = 0x0003E889045565A9;

    /// <summary>Prefix of every transmission request.</summary>
    public const uint Request = 0x25609513;

    /// <summary>Prefix of every simple reply.</summary>
    public const uint SimpleReply = 0x67446698;
}
