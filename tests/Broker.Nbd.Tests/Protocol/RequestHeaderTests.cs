using Broker.Nbd.Protocol;

namespace Broker.Nbd.Tests.Protocol;

public sealed class RequestHeaderTests
{
    [Fact]
    public void Write_ThenTryRead_RoundTrips()
    {
        var header = new RequestHeader(NbdCommandFlags.ForceUnitAccess, NbdCommand.Write, 0x0102030405060708, 1UL << 40, 65536);
        var bytes = new byte[RequestHeader.Size];

        header.Write(bytes);
        RequestHeader.TryRead(bytes, out var read).ShouldBeTrue();

        read.ShouldBe(header);
        bytes[..4].ShouldBe(new byte[] { 0x25, 0x60, 0x95, 0x13 });
        bytes[6..8].ShouldBe(new byte[] { 0, 1 });
    }

    [Fact]
    public void TryRead_ShortBuffer_ReturnsFalse()
    {
        RequestHeader.TryRead(new byte[RequestHeader.Size - 1], out _).ShouldBeFalse();
    }

    [Fact]
    public void TryRead_BadMagic_ThrowsNamingStructureAndOffset()
    {
        var bytes = new byte[RequestHeader.Size];

        var exception = Should.Throw<NbdProtocolException>(() => RequestHeader.TryRead(bytes, out _));

        exception.Structure.ShouldBe(nameof(RequestHeader));
        exception.Offset.ShouldBe(0);
    }
}
