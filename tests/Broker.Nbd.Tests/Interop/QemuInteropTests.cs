using Broker.Testing;

namespace Broker.Nbd.Tests.Interop;

/// <summary>Real qemu-io, qemu-img and qemu-nbd (Debian qemu-utils) against our server over nbd+unix.</summary>
public sealed class QemuInteropTests
{
    private const long DeviceSize = 8L << 20;

    [Fact]
    public async Task QemuIo_WritesPatterns_ReadBackAndCompareEqualToExpectedRawFile()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(DeviceSize);
        await using var served = TestServer.Start(server => server.AddExport("disk", device));
        var expected = new byte[DeviceSize];
        expected.AsSpan(0, 65536).Fill(0xAA);
        expected.AsSpan(1 << 20, 4096).Fill(0x5C);
        expected.AsSpan((int)DeviceSize - 512, 512).Fill(0x01);
        var expectedPath = Path.Combine(served.Directory, "expected.raw");
        await File.WriteAllBytesAsync(expectedPath, expected, ct);

        var write = await QemuIoAsync(served.Uri("disk"), ct,
            "write -P 0xaa 0 64k", $"write -P 0x5c {1 << 20} 4k", $"write -P 0x01 {DeviceSize - 512} 512", "flush");
        var read = await QemuIoAsync(served.Uri("disk"), ct,
            "read -P 0xaa 0 64k", $"read -P 0x5c {1 << 20} 4k", $"read -P 0 {(1 << 20) + 4096} 4k", $"read -P 0x01 {DeviceSize - 512} 512");
        var compare = await ExternalTool.RunAsync("qemu-img", ["compare", "-f", "raw", "-F", "raw", expectedPath, served.Uri("disk")], ct);

        write.ExitCode.ShouldBe(0, write.ToString());
        write.StandardOutput.ShouldNotContain("error", Case.Insensitive);
        read.ExitCode.ShouldBe(0, read.ToString());
        read.StandardOutput.ShouldNotContain("Pattern verification failed");
        compare.ExitCode.ShouldBe(0, compare.ToString());
        var actual = new byte[DeviceSize];
        device.Read(0, actual);
        actual.AsSpan().SequenceEqual(expected).ShouldBeTrue();
    }

    [Fact]
    public async Task QemuImgConvert_FromFileExport_EqualsDeviceFile()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("broker-nbd-src-");
        var sourcePath = directory.File("source.raw");
        var content = new byte[DeviceSize];
        new Random(1234).NextBytes(content.AsSpan(0, (int)DeviceSize / 2));
        await File.WriteAllBytesAsync(sourcePath, content, ct);
        using var device = FileBlockDevice.Open(sourcePath, readOnly: true);
        await using var served = TestServer.Start(server => server.AddExport("base", device));
        var copyPath = Path.Combine(served.Directory, "copy.raw");

        var convert = await ExternalTool.RunAsync("qemu-img", ["convert", "-f", "raw", "-O", "raw", served.Uri("base"), copyPath], ct);

        convert.ExitCode.ShouldBe(0, convert.ToString());
        (await File.ReadAllBytesAsync(copyPath, ct)).AsSpan().SequenceEqual(content).ShouldBeTrue();
    }

    [Fact]
    public async Task QemuIo_ManyAioWritesThenFlush_AllLandAndReadBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(DeviceSize);
        await using var served = TestServer.Start(server => server.AddExport("disk", device));
        var writes = new List<string>();
        var reads = new List<string>();
        for (var i = 0; i < 64; i++)
        {
            var offset = i * 65536L;
            var pattern = (i * 7 % 250) + 1;
            writes.Add($"aio_write -P {pattern} {offset} 64k");
            reads.Add($"aio_read -P {pattern} {offset} 64k");
        }

        writes.Add("aio_flush");
        reads.Add("aio_flush");

        var write = await QemuIoAsync(served.Uri("disk"), ct, [.. writes]);
        var read = await QemuIoAsync(served.Uri("disk"), ct, [.. reads]);

        write.ExitCode.ShouldBe(0, write.ToString());
        read.ExitCode.ShouldBe(0, read.ToString());
        read.StandardOutput.ShouldNotContain("Pattern verification failed");
        var block = new byte[65536];
        for (var i = 0; i < 64; i++)
        {
            device.Read(i * 65536L, block);
            block.ShouldAllBe(value => value == (byte)((i * 7 % 250) + 1));
        }
    }

    [Fact]
    public async Task QemuIo_WriteZeroesAndDiscard_ReadAsZeroes()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(DeviceSize);
        device.Write(0, Enumerable.Repeat((byte)0x77, 4 << 20).ToArray());
        await using var served = TestServer.Start(server => server.AddExport("disk", device));

        var result = await QemuIoAsync(served.Uri("disk"), ct,
            "write -z 0 64k", "write -z -u 64k 64k", "discard 1M 1M", "read -P 0 0 128k", "read -P 0x77 128k 64k");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StandardOutput.ShouldNotContain("Pattern verification failed");
        result.StandardOutput.ShouldNotContain("error", Case.Insensitive);
        var trimmed = new byte[1 << 20];
        device.Read(1 << 20, trimmed);
        trimmed.ShouldAllBe(value => value == 0);
    }

    [Fact]
    public async Task QemuIo_WriteToReadOnlyExport_FailsAndLeavesDeviceUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new MemoryBlockDevice(DeviceSize);
        await using var served = TestServer.Start(server => server.AddExport("ro", device, readOnly: true));

        var result = await QemuIoAsync(served.Uri("ro"), ct, "write -P 0x11 0 4k");

        (result.ExitCode != 0 || result.StandardOutput.Contains("failed", StringComparison.OrdinalIgnoreCase)
            || result.StandardError.Length > 0).ShouldBeTrue(result.ToString());
        var block = new byte[4096];
        device.Read(0, block);
        block.ShouldAllBe(value => value == 0);
    }

    [Fact]
    public async Task QemuNbdList_SeveralExports_ListsEveryName()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server =>
        {
            server.AddExport("alpha", new MemoryBlockDevice(1 << 20), description: "first");
            server.AddExport("beta", new MemoryBlockDevice(2 << 20), readOnly: true);
        });

        var list = await ExternalTool.RunAsync("qemu-nbd", ["-L", "-k", served.SocketPath], ct);

        list.ExitCode.ShouldBe(0, list.ToString());
        list.StandardOutput.ShouldContain("export: 'alpha'");
        list.StandardOutput.ShouldContain("description: first");
        list.StandardOutput.ShouldContain("export: 'beta'");
        list.StandardOutput.ShouldContain("size:  2097152");
        list.StandardOutput.ShouldContain("flags: 0x16d ( flush fua trim zeroes multi )", customMessage: list.StandardOutput);
        list.StandardOutput.ShouldContain("flags: 0x10f ( readonly flush fua multi )", customMessage: list.StandardOutput);
        list.StandardOutput.ShouldContain("min block: 1", customMessage: list.StandardOutput);
    }

    private static Task<ToolResult> QemuIoAsync(string uri, CancellationToken cancellationToken, params string[] commands)
    {
        var arguments = new List<string> { "-f", "raw" };
        foreach (var command in commands)
        {
            arguments.Add("-c");
            arguments.Add(command);
        }

        arguments.Add(uri);
        return ExternalTool.RunAsync("qemu-io", arguments, cancellationToken);
    }
}
