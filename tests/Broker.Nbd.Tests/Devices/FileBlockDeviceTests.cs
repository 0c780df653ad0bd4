using Broker.Testing;

namespace Broker.Nbd.Tests.Devices;

public sealed class FileBlockDeviceTests
{
    [Fact]
    public async Task WriteAsync_ThenFlush_FileHoldsTheData()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("disk.raw");
        await File.WriteAllBytesAsync(path, new byte[1 << 20], ct);
        var data = Enumerable.Range(0, 4096).Select(i => (byte)(i + 3)).ToArray();

        using (var device = FileBlockDevice.Open(path))
        {
            await device.WriteAsync(65536, data, forceUnitAccess: true, ct);
            await device.WriteZeroesAsync(0, 4096, mayDeallocate: true, forceUnitAccess: false, ct);
            await device.FlushAsync(ct);
            device.Size.ShouldBe(1L << 20);
        }

        var file = await File.ReadAllBytesAsync(path, ct);
        file.AsSpan(65536, 4096).ToArray().ShouldBe(data);
    }

    [Fact]
    public async Task ReadAsync_ReadsFileContent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("disk.raw");
        var content = Enumerable.Range(0, 8192).Select(i => (byte)(i * 5)).ToArray();
        await File.WriteAllBytesAsync(path, content, ct);
        using var device = FileBlockDevice.Open(path, readOnly: true);

        var read = new byte[100];
        await device.ReadAsync(4000, read, ct);

        read.ShouldBe(content.AsSpan(4000, 100).ToArray());
    }

    [Fact]
    public async Task WriteAsync_ReadOnly_ThrowsAndDoesNotAdvertiseTrim()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var path = directory.File("disk.raw");
        await File.WriteAllBytesAsync(path, new byte[4096], ct);
        using var device = FileBlockDevice.Open(path, readOnly: true);

        await Should.ThrowAsync<UnauthorizedAccessException>(async () => await device.WriteAsync(0, new byte[1], false, ct));
        (device.Capabilities & BlockDeviceCapabilities.Trim).ShouldBe(BlockDeviceCapabilities.None);
        device.IsReadOnly.ShouldBeTrue();
    }
}
