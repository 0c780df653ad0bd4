using System.Buffers.Binary;
using System.Text;
using Broker.Testing;
using Broker.Vhdx.Format;

namespace Broker.Vhdx.Tests.Format;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_GivesCastagnoliCheckValue()
    {
        Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")).ShouldBe(0xE3069283u);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(12288)]
    [InlineData(12289)]
    [InlineData(65536)]
    [InlineData(100003)]
    public void Compute_AnyLength_EqualsBytewiseReference(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        var fast = Crc32C.Compute(data);

        fast.ShouldBe(Reference(data));
    }

    [Fact]
    public void Verify_WindowsImageHeader_MatchesStoredChecksum()
    {
        var header = File.ReadAllBytes(Path.Combine(RepoPaths.VhdxFixtures, "libvhdi-structures", "image_header.1"));

        BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)).ShouldBe(0x9F69B235u);
        Crc32C.Verify(header).ShouldBeTrue();
        VhdxHeader.TryRead(header, out var parsed).ShouldBeTrue();
        parsed.SequenceNumber.ShouldBe(6ul);
        parsed.LogOffset.ShouldBe(1024ul * 1024);
    }

    [Fact]
    public void TryRead_WindowsRegionTablePaddedTo64KiB_ParsesBothRegions()
    {
        var table = new byte[RegionTable.Size];
        File.ReadAllBytes(Path.Combine(RepoPaths.VhdxFixtures, "libvhdi-structures", "region_table.1")).CopyTo(table, 0);

        RegionTable.TryRead(table, out var parsed).ShouldBeTrue();

        BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4)).ShouldBe(0xC66B8CAEu);
        parsed.Entries.Select(entry => entry.Guid).ShouldBe([VhdxGuids.BatRegion, VhdxGuids.MetadataRegion]);
        parsed.Entries[0].FileOffset.ShouldBe(3ul << 20);
    }

    private static uint Reference(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in data)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
