using Broker.Server.Desktops;

namespace Broker.Server.Tests.Desktops;

public sealed class ConsoleUtf8Tests
{
    [Theory]
    [InlineData(new byte[] { }, 0)]
    [InlineData(new byte[] { 0x61, 0x62 }, 2)]
    [InlineData(new byte[] { 0x61, 0xC3, 0xA9 }, 3)] // a é
    [InlineData(new byte[] { 0x61, 0xC3 }, 1)] // é cut after its lead byte
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, 1)] // € cut after two of three bytes
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 }, 0)] // an emoji cut after three of four bytes
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, 4)]
    [InlineData(new byte[] { 0x61, 0x80, 0x80, 0x80 }, 4)] // stray continuation bytes: invalid, not incomplete
    public void CompleteLength_StopsBeforeATrailingIncompleteCharacterOnly(byte[] data, int expected)
    {
        ConsoleUtf8.CompleteLength(data).ShouldBe(expected);
    }
}
