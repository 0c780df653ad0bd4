using System.Security.Cryptography;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Layers;

/// <summary>Cross-check: python3-libvhdi reads a sealed chain written by the layer store as our model says.</summary>
public sealed class LayerStoreLibvhdiTests
{
    private const string Python = "/usr/bin/python3";

    // Opens the files top first, links each to the next with set_parent, prints the SHA-256 of the top's content.
    private const string Script = """
        import sys, hashlib, pyvhdi
        files = []
        for path in sys.argv[1:]:
            f = pyvhdi.file(); f.open(path); files.append(f)
        for child, parent in reversed(list(zip(files, files[1:]))):
            child.set_parent(parent)
        top = files[0]; size = top.get_media_size(); h = hashlib.sha256(); offset = 0
        while offset < size:
            n = min(1 << 20, size - offset); h.update(top.read_buffer_at_offset(n, offset)); offset += n
        print(h.hexdigest())
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SealedChain_ReadByLibvhdi_EqualsTheModel()
    {
        Assert.SkipUnless(File.Exists(Python), "/usr/bin/python3 is not installed");
        using var directory = new TempDirectory("broker-chain-libvhdi-");
        var storage = FileStorage.Instance;
        var basePath = directory.File("base.vhdx");
        var model = await ChainTestData.CreateBaseAsync(storage, basePath, Token);
        byte[] snapshot;
        string[] files;
        await using (var store = await LayerStore.CreateAsync(storage, directory.File("d1"), basePath, ChainTestData.BaseAddress, null, Token))
        {
            var device = await store.OpenLiveDeviceAsync(Token);
            await ChainTestData.WriteAsync(device, model, 4096, 300 * 1024, 0x31, Token);
            _ = await store.SealAsync(Token);
            await ChainTestData.WriteAsync(store.LiveDevice!, model, (2 * 1024 * 1024) + 512, 5000, 0x32, Token);
            await ChainTestData.WriteAsync(store.LiveDevice!, model, 6 * 1024 * 1024, 64 * 1024, 0x33, Token);
            _ = await store.SealAsync(Token);
            snapshot = (byte[])model.Clone();
            files = [.. store.Manifest.CurrentChain().Reverse().Select(store.PathOf), basePath];
        }

        var result = await ExternalTool.RunAsync(Python, ["-c", Script, .. files], Token);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.StandardOutput.Trim().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(snapshot)));
    }
}
