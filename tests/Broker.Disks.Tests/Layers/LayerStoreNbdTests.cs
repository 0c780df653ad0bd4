using System.Globalization;
using System.Net.Sockets;
using Broker.Disks.Layers;
using Broker.Nbd;
using Broker.Testing;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Layers;

/// <summary>
/// Seal and merge under our <see cref="NbdServer"/> serving the live device on a unix socket, with
/// qemu-io writing and qemu-img comparing as independent clients.
/// </summary>
public sealed class LayerStoreNbdTests
{
    private const string Export = "desk";
    private const int WritesPerBatch = 40;
    private const int LongestWrite = 96 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MergeServedAsync_BetweenQemuIoWriteBatches_ExportAndConvertedChainReadAsTheModel()
    {
        Assert.SkipUnless(ExternalTool.Exists("qemu-io") && ExternalTool.Exists("qemu-img"), "qemu-io or qemu-img is not installed");
        using var directory = new TempDirectory("broker-layers-nbd-");
        await using var served = await ServedStore.CreateAsync(directory, Token);
        var random = new Random(20240605);
        var sealedLayers = new List<LayerRecord>();
        for (var batch = 0; batch < 3; batch++)
        {
            await served.WriteRandomAsync(random, WritesPerBatch);
            sealedLayers.Add(await served.Store.SealServedAsync(served.Server, Export, Token));
        }

        var merged = await served.Store.MergeServedAsync(served.Server, Export, sealedLayers[0].Id, sealedLayers[1].Id, Token);
        await served.WriteRandomAsync(random, WritesPerBatch);
        var last = await served.Store.SealServedAsync(served.Server, Export, Token);

        // The sealed chain is immutable: our converter reads it while the server still serves it.
        var raw = directory.File("converted.raw");
        await VhdxConvert.ConvertAsync(FileStorage.Instance, served.Store.PathOf(last), raw, new VhdxConvertOptions { Format = VhdxConvertFormat.Raw }, null, Token);
        (await File.ReadAllBytesAsync(raw, Token)).ShouldBe(served.Model);
        var compare = await ExternalTool.RunAsync("qemu-img", ["compare", "-f", "raw", "-F", "raw", served.Uri, raw], Token);
        compare.ExitCode.ShouldBe(0, compare.ToString());
        served.Store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([merged.Id, sealedLayers[2].Id, last.Id]);
        await served.Server.StopAsync(Token);
        await ChainTestData.ShouldBeTidyAsync(FileStorage.Instance, served.Store, Token);
    }

    [Fact]
    public async Task MergeServedAsync_WhileQemuIoWrites_NoWriteIsLostAndThePausesCopyWritesMadeDuringThePrepare()
    {
        Assert.SkipUnless(ExternalTool.Exists("qemu-io"), "qemu-io is not installed");
        using var directory = new TempDirectory("broker-layers-nbd-");
        await using var served = await ServedStore.CreateAsync(directory, Token);
        var random = new Random(31337);
        for (var batch = 0; batch < 2; batch++)
        {
            await served.WriteRandomAsync(random, WritesPerBatch);
            _ = await served.Store.SealServedAsync(served.Server, Export, Token);
        }

        using var trace = new LayerTrace();
        using var stop = new CancellationTokenSource();
        var writerRandom = new Random(4711);
        var writing = Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await served.WriteRandomAsync(writerRandom, 10);
                }
            },
            Token);

        // Seal and fold the two oldest layers again and again while qemu-io writes, until some
        // merge's pause copied writes that arrived during its prepare (bounded).
        var merges = 0;
        while (merges < 3 || (!CaughtUpData(trace) && merges < 40))
        {
            _ = await served.Store.SealServedAsync(served.Server, Export, Token);
            var chain = served.Store.Manifest.CurrentChain();
            _ = await served.Store.MergeServedAsync(served.Server, Export, chain[0].Id, chain[1].Id, Token);
            merges++;
        }

        await stop.CancelAsync();
        await writing;

        CaughtUpData(trace).ShouldBeTrue($"no pause of {merges} merges copied a write made during its prepare");
        var pauses = trace.Steps("pause", "merge").Select(step => step.Duration.TotalMilliseconds).Order().ToList();
        var caughtUp = trace.Steps("catch-up").Select(step => (long)step.GetTagItem("bytes")!).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"merge pause over {pauses.Count} served merges under qemu-io writes: p50 {pauses[pauses.Count / 2]:F1} ms, max {pauses[^1]:F1} ms; caught up p50 {caughtUp.Order().ElementAt(caughtUp.Count / 2)} bytes, max {caughtUp.Max()} bytes"));
        await served.Server.StopAsync(Token);
        (await ChainTestData.ReadAllAsync(served.Store.LiveDevice!, Token)).ShouldBe(served.Model);
        await ChainTestData.ShouldBeTidyAsync(FileStorage.Instance, served.Store, Token);
    }

    [Fact]
    public async Task MergeServedAsync_LayersNotInOrder_ThrowsAndTheExportKeepsServingTheTop()
    {
        Assert.SkipUnless(ExternalTool.Exists("qemu-io"), "qemu-io is not installed");
        using var directory = new TempDirectory("broker-layers-nbd-");
        await using var served = await ServedStore.CreateAsync(directory, Token);
        var random = new Random(7);
        await served.WriteRandomAsync(random, 8);
        var lower = await served.Store.SealServedAsync(served.Server, Export, Token);
        await served.WriteRandomAsync(random, 8);
        var upper = await served.Store.SealServedAsync(served.Server, Export, Token);

        await Should.ThrowAsync<ArgumentException>(() => served.Store.MergeServedAsync(served.Server, Export, upper.Id, lower.Id, Token));
        await served.WriteRandomAsync(random, 8);

        await served.Server.StopAsync(Token);
        (await ChainTestData.ReadAllAsync(served.Store.LiveDevice!, Token)).ShouldBe(served.Model);
        served.Store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([lower.Id, upper.Id]);
    }

    [Fact]
    public async Task MergeServedAsync_ExportServesAnotherDevice_ThrowsAndMergesNothing()
    {
        using var directory = new TempDirectory("broker-layers-nbd-");
        await using var served = await ServedStore.CreateAsync(directory, Token);
        var lower = await served.Store.SealServedAsync(served.Server, Export, Token);
        var upper = await served.Store.SealServedAsync(served.Server, Export, Token);
        served.Server.AddExport("other", new MemoryBlockDevice(served.Model.Length));

        await Should.ThrowAsync<InvalidOperationException>(() => served.Store.MergeServedAsync(served.Server, "other", lower.Id, upper.Id, Token));

        served.Store.Manifest.CurrentChain().Select(layer => layer.Id).ShouldBe([lower.Id, upper.Id]);
        await served.Server.StopAsync(Token);
        await ChainTestData.ShouldBeTidyAsync(FileStorage.Instance, served.Store, Token); // the files built before the pause are gone
    }

    [Fact]
    public async Task SealServedAsync_WhileQemuIoWritesConcurrently_NoWriteIsLostOrTornAcrossASeal()
    {
        Assert.SkipUnless(ExternalTool.Exists("qemu-io") && ExternalTool.Exists("qemu-img"), "qemu-io or qemu-img is not installed");
        using var directory = new TempDirectory("broker-layers-nbd-");
        await using var served = await ServedStore.CreateAsync(directory, Token);
        var before = (byte[])served.Model.Clone();

        // Asynchronous writes, many in flight, each in a slot of its own: every slot is either all
        // old or all new in any consistent state.
        const int SlotSize = 16 * 1024;
        var random = new Random(424242);
        var slots = Enumerable.Range(0, served.Model.Length / SlotSize).OrderBy(_ => random.Next()).Take(300).ToList();
        var arguments = new List<string> { "-f", "raw" };
        foreach (var slot in slots)
        {
            var pattern = (byte)random.Next(1, 256);
            arguments.AddRange(["-c", string.Create(CultureInfo.InvariantCulture, $"aio_write -q -P 0x{pattern:x2} {slot * SlotSize} {SlotSize}")]);
            served.Model.AsSpan(slot * SlotSize, SlotSize).Fill(pattern);
        }

        arguments.AddRange(["-c", "aio_flush", served.Uri]);
        var writing = ExternalTool.RunAsync("qemu-io", arguments, Token);
        var sealedLayers = new List<LayerRecord>();
        while (!writing.IsCompleted || sealedLayers.Count < 2)
        {
            sealedLayers.Add(await served.Store.SealServedAsync(served.Server, Export, Token));
        }

        var result = await writing;
        result.ExitCode.ShouldBe(0, result.ToString());
        result.StandardOutput.ShouldNotContain("failed");
        sealedLayers.Add(await served.Store.SealServedAsync(served.Server, Export, Token));

        var landed = new HashSet<int>();
        foreach (var layer in sealedLayers)
        {
            var snapshot = await ChainTestData.ReadSnapshotAsync(served.Store, layer.Id, Token);
            foreach (var slot in slots)
            {
                var range = new Range(slot * SlotSize, (slot + 1) * SlotSize);
                var isNew = snapshot.AsSpan(range).SequenceEqual(served.Model.AsSpan(range));
                if (!isNew)
                {
                    landed.ShouldNotContain(slot, $"slot {slot} went back to old data in layer {layer.Id}");
                    snapshot.AsSpan(range).SequenceEqual(before.AsSpan(range)).ShouldBeTrue($"slot {slot} is torn in layer {layer.Id}");
                }
                else
                {
                    landed.Add(slot);
                }
            }
        }

        landed.Count.ShouldBe(slots.Count);
        await served.Server.StopAsync(Token);
        (await ChainTestData.ReadAllAsync(served.Store.LiveDevice!, Token)).ShouldBe(served.Model);
        await ChainTestData.ShouldBeTidyAsync(FileStorage.Instance, served.Store, Token);
    }

    private static bool CaughtUpData(LayerTrace trace) => trace.Steps("catch-up").Any(step => (long)step.GetTagItem("bytes")! > 0);

    /// <summary>A layer store over the patterned base, its live device served as <see cref="Export"/>, and a model of its content.</summary>
    private sealed class ServedStore : IAsyncDisposable
    {
        private ServedStore(LayerStore store, NbdServer server, string socketPath, byte[] model)
        {
            Store = store;
            Server = server;
            Uri = $"nbd+unix:///{Export}?socket={socketPath}";
            Model = model;
        }

        public LayerStore Store { get; }

        public NbdServer Server { get; }

        /// <summary>The export as qemu tools name it.</summary>
        public string Uri { get; }

        public byte[] Model { get; }

        public static async Task<ServedStore> CreateAsync(TempDirectory directory, CancellationToken cancellationToken)
        {
            var basePath = directory.File("base.vhdx");
            var model = await ChainTestData.CreateBaseAsync(FileStorage.Instance, basePath, cancellationToken);
            var store = await LayerStore.CreateAsync(FileStorage.Instance, directory.File("d1"), basePath, ChainTestData.BaseAddress, null, cancellationToken);
            var server = new NbdServer();
            server.AddExport(Export, await store.OpenLiveDeviceAsync(cancellationToken));
            var socketPath = directory.File("nbd.sock");
            server.Start(new UnixDomainSocketEndPoint(socketPath));
            return new ServedStore(store, server, socketPath, model);
        }

        /// <summary>
        /// One qemu-io run of <paramref name="count"/> pattern writes at random offsets and lengths
        /// (any alignment, overlaps allowed, executed in order), applied to the model too.
        /// </summary>
        public async Task WriteRandomAsync(Random random, int count)
        {
            var arguments = new List<string> { "-f", "raw" };
            for (var i = 0; i < count; i++)
            {
                var length = random.Next(1, LongestWrite);
                var offset = random.NextInt64(Model.Length - length);
                var pattern = (byte)random.Next(1, 256);
                arguments.Add("-c");
                arguments.Add(string.Create(CultureInfo.InvariantCulture, $"write -q -P 0x{pattern:x2} {offset} {length}"));
                Model.AsSpan((int)offset, length).Fill(pattern);
            }

            arguments.Add(Uri);
            var result = await ExternalTool.RunAsync("qemu-io", arguments, Token);
            result.ExitCode.ShouldBe(0, result.ToString());
            result.StandardError.ShouldBeEmpty();
            result.StandardOutput.ShouldNotContain("failed");
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Store.DisposeAsync();
        }
    }
}
