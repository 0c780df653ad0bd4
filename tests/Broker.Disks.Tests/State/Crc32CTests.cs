using System.Text;
using Broker.Disks.State;

namespace Broker.Disks.Tests.State;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_StandardCheckInput_GivesTheCatalogueCheckValue()
    {
        // The CRC catalogue's check value for CRC-32/ISCSI over "123456789".
        Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")).ShouldBe(0xE3069283u);
    }

    [Fact]
    public void Append_InPieces_EqualsWhole()
    {
        var data = Enumerable.Range(0, 1000).Select(index => (byte)(index * 7)).ToArray();

        var pieces = Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Start, data.AsSpan(0, 13)), data.AsSpan(13)));

        pieces.ShouldBe(Crc32C.Compute(data));
    }
}
