using Broker.Nbd.Protocol;

namespace Broker.Nbd.Tests.Protocol;

public sealed class InfoRequestTests
{
    [Fact]
    public void Write_ThenTryRead_RoundTrips()
    {
        var request = new InfoRequest("disk-1", [NbdInfoType.BlockSize, NbdInfoType.Name]);
        var bytes = new byte[request.Size];

        request.Write(bytes);
        InfoRequest.TryRead(bytes, out var read).ShouldBeTrue();

        read!.ExportName.ShouldBe("disk-1");
        read.Items.ShouldBe([NbdInfoType.BlockSize, NbdInfoType.Name]);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 9, (byte)'a', 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 1, (byte)'a', 0, 2, 0, 3 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0xFF, 0, 0 })]
    public void TryRead_Malformed_Throws(byte[] bytes)
    {
        Should.Throw<NbdProtocolException>(() => InfoRequest.TryRead(bytes, out _));
    }
}
