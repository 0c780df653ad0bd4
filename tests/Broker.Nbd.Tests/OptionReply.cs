namespace Broker.Nbd.Tests;

/// <summary>One fixed-newstyle option reply as the raw client read it.</summary>
internal sealed record OptionReply(uint Option, uint Type, byte[] Data);
