using System.Security.Cryptography;
using Broker.Core.Images;
using Broker.HostAgent.Desktops;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// An image registered by content address, present only on the host where it was imported, reaches
/// a second real host agent: the broker offers it, the new host asks for an image pull ticket and
/// copies the base from the first host's DiskTransfer endpoint over TCP, then reports it, so the
/// broker knows both hosts hold it.
/// </summary>
public sealed class ImageCopyTests
{
    [Fact]
    public async Task ImageRegisteredByAddress_SecondHost_CopiesItFromTheFirstAndBothAreImported()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HostAgentWorld.WaitLimit * 3);
        var cancellationToken = timeout.Token;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);
        var imageId = world.Image.Value.ToString();
        var original = world.Desktops.Images.Resolve(imageId).ShouldNotBeNull();

        var (secondHost, agent) = await world.StartAnotherHostAsync("host-b", cancellationToken);
        await using (agent)
        {
            var second = agent.Services.GetRequiredService<DesktopManager>();
            await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(second.Images.Resolve(imageId) is not null), "host-b holds the counter image", cancellationToken);
            var copy = second.Images.Resolve(imageId)!;
            await HostAgentWorld.WaitUntilAsync(
                async () => (await HostStatesAsync(world, cancellationToken)).Count(state => state.State == ImageHostImportState.Imported) == 2,
                "the broker records both hosts as holding the image",
                cancellationToken);
            await agent.StopAsync(CancellationToken.None);

            copy.Address.ShouldBe(original.Address);
            copy.Path.ShouldNotBe(original.Path);
            (await ContentHashAsync(copy.Path, cancellationToken)).ShouldBe(await ContentHashAsync(original.Path, cancellationToken));
            (await HostStatesAsync(world, cancellationToken)).Select(state => state.Host).ShouldBe([world.Host, secondHost], ignoreOrder: true);
            Directory.GetFiles(world.Directory.File("host-b/incoming-images"), "base-*").ShouldBeEmpty();
        }
    }

    private static async Task<IReadOnlyList<ImageImportHost>> HostStatesAsync(HostAgentWorld world, CancellationToken cancellationToken)
    {
        await using var scope = world.Broker.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IImageImportStore>().ListHostsAsync(world.Image, cancellationToken);
    }

    private static async Task<string> ContentHashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, path, VhdxOpenOptions.ReadOnlyDefault, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        for (long offset = 0; offset < file.VirtualSize; offset += buffer.Length)
        {
            var length = (int)Math.Min(buffer.Length, file.VirtualSize - offset);
            await file.ReadAsync(offset, buffer.AsMemory(0, length), cancellationToken);
            hash.AppendData(buffer, 0, length);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
