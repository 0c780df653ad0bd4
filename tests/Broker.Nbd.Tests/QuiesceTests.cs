using System.Buffers.Binary;
using Broker.Nbd.Tests.Fakes;

namespace Broker.Nbd.Tests;

/// <summary>Quiesce and device replacement under running clients: nothing lost, reordered or failed.</summary>
public sealed class QuiesceTests
{
    private const long Size = 1 << 20;

    [Fact]
    public async Task Quiesce_RequestExecuting_WaitsUntilItFinishes()
    {
        var ct = TestContext.Current.CancellationToken;
        var device = new GatedBlockDevice(Size);
        device.HoldAt(0);
        await using var served = TestServer.Start(server => server.AddExport("d", device));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;
        await client.SendRequestAsync(RawNbdClient.CmdWrite, 1, 0, 4, ct, payload: [1, 2, 3, 4]);
        await device.Started(0).WaitAsync(ct);

        var quiesce = served.Server.QuiesceAsync("d", ct).AsTask();
        var completedWhileHeld = quiesce.IsCompleted;
        device.Open(0);
        await using var pause = await quiesce;
        var reply = await client.ReadReplyAsync(ct);

        completedWhileHeld.ShouldBeFalse();
        reply.ShouldBe((0u, 1UL));
    }

    [Fact]
    public async Task Quiesce_RequestArrivesWhilePaused_RunsOnReplacementAfterResume()
    {
        var ct = TestContext.Current.CancellationToken;
        var original = new MemoryBlockDevice(Size);
        var replacement = new MemoryBlockDevice(Size);
        await using var served = TestServer.Start(server => server.AddExport("d", original));
        var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
        await using var _client = client;

        var pause = await served.Server.QuiesceAsync("d", ct);
        await client.SendRequestAsync(RawNbdClient.CmdWrite, 1, 0, 4, ct, payload: [7, 7, 7, 7]);
        pause.ReplaceDevice(replacement);
        await pause.DisposeAsync();
        var reply = await client.ReadReplyAsync(ct);

        reply.ShouldBe((0u, 1UL));
        var onReplacement = new byte[4];
        replacement.Read(0, onReplacement);
        onReplacement.ShouldBe(new byte[] { 7, 7, 7, 7 });
        var onOriginal = new byte[4];
        original.Read(0, onOriginal);
        onOriginal.ShouldBe(new byte[4]);
    }

    [Fact]
    public async Task ReplaceDevice_DifferentSize_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        await using var pause = await served.Server.QuiesceAsync("d", ct);

        Should.Throw<ArgumentException>(() => pause.ReplaceDevice(new MemoryBlockDevice(Size * 2)));
    }

    [Fact]
    public async Task ReplaceDevice_MissingAdvertisedCapability_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        using var directory = new Broker.Testing.TempDirectory();
        var path = directory.File("disk.raw");
        await File.WriteAllBytesAsync(path, new byte[Size], ct);
        using var fileDevice = FileBlockDevice.Open(path);
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));
        await using var pause = await served.Server.QuiesceAsync("d", ct);

        // The memory export advertises TRIM; a raw file device cannot trim.
        Should.Throw<ArgumentException>(() => pause.ReplaceDevice(fileDevice));
    }

    [Fact]
    public async Task Quiesce_UnknownExport_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var served = TestServer.Start(server => server.AddExport("d", new MemoryBlockDevice(Size)));

        await Should.ThrowAsync<KeyNotFoundException>(async () => await served.Server.QuiesceAsync("x", ct));
    }

    [Fact]
    public async Task Replace_ManyTimesUnderConcurrentWriters_EveryAcknowledgedWriteOnExactlyOneDeviceInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        const int Writers = 4;
        const int BlocksPerWriter = 16;
        const int Swaps = 40;
        var devices = new List<RecordingBlockDevice> { new(Size) };
        await using var served = TestServer.Start(server => server.AddExport("d", devices[0]));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var progress = new SemaphoreSlim(0);
        var acknowledged = new List<(int Writer, int Sequence)>[Writers];
        var writers = new Task[Writers];
        for (var w = 0; w < Writers; w++)
        {
            var writer = w;
            acknowledged[writer] = [];
            writers[writer] = Task.Run(async () =>
            {
                var (client, _) = await RawNbdClient.OpenAsync(served.SocketPath, "d", ct);
                await using var _client = client;
                var block = new byte[4096];
                for (var sequence = 0; !stop.IsCancellationRequested || sequence < 200; sequence += 4)
                {
                    // Several writes in flight per connection: pipelined, not lock-step.
                    for (var burst = 0; burst < 4; burst++)
                    {
                        BinaryPrimitives.WriteInt32BigEndian(block, writer);
                        BinaryPrimitives.WriteInt32BigEndian(block.AsSpan(4), sequence + burst);
                        var offset = (ulong)((writer * BlocksPerWriter) + ((sequence + burst) % BlocksPerWriter)) * 4096UL;
                        await client.SendRequestAsync(RawNbdClient.CmdWrite, (ulong)(sequence + burst), offset, 4096, ct, payload: block);
                    }

                    for (var burst = 0; burst < 4; burst++)
                    {
                        var (error, handle) = await client.ReadReplyAsync(ct);
                        error.ShouldBe(0u);
                        acknowledged[writer].Add((writer, (int)handle));
                    }

                    progress.Release();
                }
            }, ct);
        }

        for (var swap = 0; swap < Swaps; swap++)
        {
            // Swap only while writers make progress, so swaps land among running requests.
            while (progress.Wait(0, ct))
            {
            }

            await progress.WaitAsync(ct);
            await using var pause = await served.Server.QuiesceAsync("d", ct);
            var next = new RecordingBlockDevice(Size);
            pause.ReplaceDevice(next);
            devices.Add(next);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Every acknowledged write sits on exactly one device, and a writer's writes never go back
        // to an older device once a newer one has seen them (nothing reordered across a swap).
        var landed = new Dictionary<(int Writer, int Sequence), int>();
        for (var d = 0; d < devices.Count; d++)
        {
            foreach (var (_, data) in devices[d].Writes)
            {
                var key = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4)));
                landed.TryAdd(key, d).ShouldBeTrue($"write {key} landed twice");
            }
        }

        var all = acknowledged.SelectMany(list => list).ToList();
        all.Count.ShouldBeGreaterThan(Writers * 50);
        landed.Count.ShouldBe(all.Count);
        foreach (var key in all)
        {
            landed.ShouldContainKey(key);
        }

        for (var w = 0; w < Writers; w++)
        {
            var generations = acknowledged[w].OrderBy(key => key.Sequence).Select(key => landed[key]).ToList();
            for (var i = 1; i < generations.Count; i++)
            {
                generations[i].ShouldBeGreaterThanOrEqualTo(generations[i - 1], $"writer {w} went back to an older device");
            }
        }

        devices.Take(devices.Count - 1).ShouldAllBe(device => device.Flushes > 0);
        devices.ShouldAllBe(device => device.WritesAfterFlush == 0);
        devices.Count(device => device.Writes.Count > 0).ShouldBeGreaterThan(1);
    }
}
