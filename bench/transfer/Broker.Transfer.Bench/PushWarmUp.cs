using System.Security.Cryptography;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;

namespace Broker.Transfer.Bench;

/// <summary>
/// The untimed warm-up of a push child, as a running client agent is warm: small layers (64 extents
/// of 64 KiB, half random, half a repeated byte) of the warm-up desktop
/// (<see cref="BenchLayout.WarmUpDesktopId"/>, a second chain on the same base) sealed and pushed over
/// the same channel, with pauses that let the runtime compile the hot paths (hashing, compression,
/// the chunk loops) at full optimization in the background, as it has in a daemon that has run for
/// a while. The runtime, connection and the host's push path are warm before the timed push.
/// </summary>
internal static class PushWarmUp
{
    private const int ExtentBytes = 64 * 1024;
    private const int Extents = 64;
    private const int Rounds = 2;
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    /// <summary>Makes the client's warm-up chain afresh over the client's base image (the host's was made afresh by <see cref="Preparation"/>).</summary>
    public static async Task CreateClientChainAsync(ClientLayout client)
    {
        await using var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, client.Images, null, CancellationToken.None);
        await Preparation.CreateChainAsync(client.WarmUpDesktop, bases.Images[0]);
    }

    /// <summary>Seals and pushes <see cref="Rounds"/> small layers of the client's warm-up chain with <paramref name="pusher"/>.</summary>
    public static async Task RunAsync(ClientLayout client, LayerPusher pusher, ulong epoch)
    {
        await using var store = await LayerStore.OpenAsync(FileStorage.Instance, client.WarmUpDesktop, null, CancellationToken.None);
        var extent = new byte[ExtentBytes];
        for (var round = 0; round < Rounds; round++)
        {
            var device = store.LiveDevice ?? await store.OpenLiveDeviceAsync(CancellationToken.None);
            var firstExtent = store.Manifest.Layers.Count * (long)Extents;
            for (var index = 0; index < Extents; index++)
            {
                if (index % 2 == 0)
                {
                    RandomNumberGenerator.Fill(extent);
                }
                else
                {
                    extent.AsSpan().Fill((byte)index);
                }

                await device.WriteAsync((firstExtent + index) * 2 * ExtentBytes, extent, forceUnitAccess: false, CancellationToken.None);
            }

            await device.FlushAsync(CancellationToken.None);
            var layer = await store.SealAsync(CancellationToken.None);
            _ = await pusher.PushAsync(store, layer.Id, epoch, null, CancellationToken.None);
            await Task.Delay(Pause);
        }
    }
}
