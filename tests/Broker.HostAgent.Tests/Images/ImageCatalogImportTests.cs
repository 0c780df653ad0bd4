using System.CommandLine;
using Broker.HostAgent.Images;
using Broker.Testing;

namespace Broker.HostAgent.Tests.Images;

/// <summary>
/// Gold image import on a host: VHDX, qcow2 (through qemu-img) and raw are told apart by content and
/// land at one content address; a file that is no image, or a corrupt one, is refused with
/// <see cref="ImageImportException"/> and leaves nothing stored or named.
/// </summary>
public sealed class ImageCatalogImportTests : IDisposable
{
    private const long DiskBytes = 4L * 1024 * 1024;

    private readonly TempDirectory _temp = new("broker-host-images-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Import_RawQcow2AndVhdxOfOneDisk_AreOneImage_WhateverTheFileIsCalled()
    {
        var raw = await RawDiskAsync("disk.img");
        var qcow2 = await ConvertAsync(raw, "qcow2", "disk-qcow2.img");
        var vhdx = await ConvertAsync(raw, "vhdx", "disk-vhdx.bin");
        await using var catalog = await OpenCatalogAsync();

        var fromRaw = await catalog.ImportAsync(raw, null, Token);
        var fromQcow2 = await catalog.ImportAsync(qcow2, null, Token);
        var fromVhdx = await catalog.ImportAsync(vhdx, Guid.NewGuid().ToString(), Token);

        fromQcow2.ShouldBe(fromRaw);
        fromVhdx.ShouldBe(fromRaw);
        var image = catalog.Bases.Images.ShouldHaveSingleItem();
        image.VirtualSize.ShouldBe(DiskBytes);
        image.References.ShouldBe(3);
    }

    [Fact]
    public async Task Resolve_ImageNotNamedHere_FindsTheBaseByTheAddressTheBrokerGives()
    {
        var raw = await RawDiskAsync("disk.img");
        await using var catalog = await OpenCatalogAsync();
        var address = await catalog.ImportAsync(raw, null, Token);
        var imageId = Guid.NewGuid().ToString();

        catalog.Resolve(imageId).ShouldBeNull();
        catalog.Resolve(imageId, string.Empty).ShouldBeNull();
        catalog.Resolve(imageId, "sha256:" + new string('0', 64)).ShouldBeNull();
        catalog.Resolve(imageId, "sha256:not-an-address").ShouldBeNull();
        catalog.Resolve(imageId, address).ShouldNotBeNull().Address.ShouldBe(address["sha256:".Length..]);
    }

    public static TheoryData<string> BadFiles() => ["text", "corrupt-vhdx", "corrupt-qcow2"];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Import_OfAFileThatIsNoUsableImage_IsRefused_AndStoresAndNamesNothing(string kind)
    {
        var path = await BadFileAsync(kind);
        var imageId = Guid.NewGuid().ToString();
        await using var catalog = await OpenCatalogAsync();

        var refused = await Should.ThrowAsync<ImageImportException>(() => catalog.ImportAsync(path, imageId, Token));

        refused.Message.ShouldContain(path);
        catalog.Bases.Images.ShouldBeEmpty();
        catalog.Resolve(imageId).ShouldBeNull();
        Directory.EnumerateFiles(catalog.Bases.Directory).Where(file => file.EndsWith(".tmp", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task CommandLine_ImportOfATextFile_ExitsWithTheReason_AndNoStackTrace()
    {
        var path = await BadFileAsync("text");
        var (output, error) = (new StringWriter(), new StringWriter());

        var exitCode = await HostAgentCommandLine.Create()
            .Parse(["image", "import", path, "--data-dir", _temp.File("data")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Token);

        exitCode.ShouldBe(2);
        output.ToString().ShouldBeEmpty();
        error.ToString().ShouldContain("is not an importable Raw disk image");
        error.ToString().ShouldNotContain("   at ");
    }

    public void Dispose() => _temp.Dispose();

    private Task<ImageCatalog> OpenCatalogAsync() => ImageCatalog.OpenAsync(new HostAgentPaths(_temp.File("data")), Token);

    /// <summary>A raw disk of <see cref="DiskBytes"/> with a pattern in its first and third MiB.</summary>
    private async Task<string> RawDiskAsync(string name)
    {
        var path = _temp.File(name);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await file.WriteAsync(Enumerable.Repeat((byte)0x5a, 64 * 1024).ToArray(), Token);
        file.Position = 2L * 1024 * 1024;
        await file.WriteAsync(Enumerable.Repeat((byte)0xc3, 4096).ToArray(), Token);
        file.SetLength(DiskBytes);
        return path;
    }

    private async Task<string> ConvertAsync(string raw, string format, string name)
    {
        var path = _temp.File(name);
        var result = await ExternalTool.RunAsync("qemu-img", ["convert", "-f", "raw", "-O", format, raw, path], Token);
        result.ExitCode.ShouldBe(0, result.ToString());
        return path;
    }

    private async Task<string> BadFileAsync(string kind)
    {
        switch (kind)
        {
            case "text":
                var text = _temp.File("notes.txt");
                await File.WriteAllTextAsync(text, "not a disk image at all\n", Token);
                return text;
            case "corrupt-vhdx":
                // The file type identifier stays; both headers and the region tables are zeroed.
                var vhdx = await ConvertAsync(await RawDiskAsync("for-vhdx.img"), "vhdx", "corrupt.vhdx");
                await SmashAsync(vhdx, 64 * 1024, 256 * 1024);
                return vhdx;
            default:
                // The magic stays; the rest of the header (version, sizes, table offsets) is garbage.
                var qcow2 = await ConvertAsync(await RawDiskAsync("for-qcow2.img"), "qcow2", "corrupt.qcow2");
                await SmashAsync(qcow2, 4, 100, 0xff);
                return qcow2;
        }
    }

    private static async Task SmashAsync(string path, long offset, int length, byte value = 0)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        await file.WriteAsync(Enumerable.Repeat(value, length).ToArray(), Token);
    }
}
