using Broker.Nbd.Protocol;

namespace Broker.Nbd.Tests.Protocol;

public sealed class RequestHeaderTests
{
    [Fact]
    public void TryRead_WireBytes_ParsesEveryField()
    {
        byte[] bytes =
        [
            0x25, 0x60, 0x95, 0x13, // magic
            0x00, 0x01, // flags: FUA
            0x00, 0x01, // type: write
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // handle
            0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // offset 2^40
            0x00, 0x01, 0x00, 0x00, // length 65536
        ];

        RequestHeader.TryRead(bytes, out var read).ShouldBeTrue();

        read.ShouldBe(new RequestHeader(NbdCommandFlags.ForceUnitAccess, NbdCommand.Write, 0x0102030405060708, 1UL << 40, 65536));
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
