using System.Globalization;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Nbd;
using Broker.Vhdx.Storage;

// One durable operation on stores the tests set up (see README.md); BROKER_CRASH_AT kills it midway.
var storage = FileStorage.Instance;
var token = CancellationToken.None;
const string Export = "desktop";
switch (args)
{
    case ["seal", var layers]:
        await using (var store = await LayerStore.OpenAsync(storage, layers, null, token))
        await using (var server = new NbdServer())
        {
            // Through the live device served by an export, as an agent seals a running desktop.
            server.AddExport(Export, await store.OpenLiveDeviceAsync(token));
            _ = await store.SealServedAsync(server, Export, token);
        }

        break;
    case ["merge", var layers, var lower, var upper]:
        await using (var store = await LayerStore.OpenAsync(storage, layers, null, token))
        {
            _ = await store.MergeAsync(Id(lower), Id(upper), token);
        }

        break;
    case ["merge-served", var layers, var lower, var upper]:
        await using (var store = await LayerStore.OpenAsync(storage, layers, null, token))
        await using (var server = new NbdServer())
        {
            // Under an export of the live device, as an agent merges under a running desktop.
            server.AddExport(Export, await store.OpenLiveDeviceAsync(token));
            _ = await store.MergeServedAsync(server, Export, Id(lower), Id(upper), token);
        }

        break;
    case ["restore", var layers, var layer]:
        await using (var store = await LayerStore.OpenAsync(storage, layers, null, token))
        {
            _ = await store.RestoreAsync(Id(layer), token);
        }

        break;
    case ["adopt", var layers, var staged, var layer, var parent]:
        await using (var store = await LayerStore.OpenAsync(storage, layers, null, token))
        {
            var now = TimeProvider.System.GetUtcNow();
            _ = await store.AdoptSealedLayerAsync(staged, Id(layer), parent == "base" ? null : Id(parent), now, now, token);
        }

        break;
    case ["graft", var layers, var quarantineDirectory, var layer]:
        await using (var store = await LayerStore.OpenAsync(storage, layers, null, token))
        await using (var quarantine = await LayerQuarantine.OpenAsync(storage, quarantineDirectory, null, token))
        {
            var quarantined = quarantine.Find(Id(layer)) ?? throw new KeyNotFoundException($"No quarantined layer {layer}.");
            _ = await store.GraftAsync(quarantined, quarantine.PathOf(quarantined), token);
        }

        break;
    case ["import", var images, var raw]:
        await using (var store = await BaseImageStore.OpenAsync(storage, images, null, token))
        {
            _ = await store.ImportRawAsync(raw, 512, token);
        }

        break;
    case ["base-adopt", var images, var vhdx, var address]:
        await using (var store = await BaseImageStore.OpenAsync(storage, images, null, token))
        {
            _ = await store.AdoptVhdxAsync(vhdx, address, token);
        }

        break;
    default:
        await Console.Error.WriteLineAsync("usage: Broker.Disks.Tests.Worker seal|merge|merge-served|restore|adopt|graft|import|base-adopt DIRECTORY …");
        return 2;
}

Console.WriteLine("done");
return 0;

static long Id(string value) => long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
