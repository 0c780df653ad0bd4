extern alias server;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// <c>brokerctl admin images import</c>'s path end to end: an image uploaded to the real broker
/// reaches the real host agent, which downloads, verifies and imports it and reports the base
/// address it computed (the same the counter guest has when imported on the host directly); a file
/// the host cannot import ends Failed with the host's reason.
/// </summary>
public sealed class ImageUploadTests
{
    [Fact]
    public async Task UploadedImage_HostImportsIt_ReadyAtTheAddressOfItsContent()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HostAgentWorld.WaitLimit * 2);
        var cancellationToken = timeout.Token;
        await using var world = await HostAgentWorld.CreateAsync(cancellationToken);
        using var admin = await AdminApi.CreateAsync(world.Broker, cancellationToken);
        var counter = await admin.ImageAsync(world.Image.Value, cancellationToken);
        var notQcow2 = world.Directory.File("not-really.qcow2");
        await File.WriteAllBytesAsync(notQcow2, [(byte)'Q', (byte)'F', (byte)'I', 0xfb, .. new byte[1020]], cancellationToken);

        var uploaded = await admin.ImportImageAsync(world.Directory.File("counter.raw"), "counter-uploaded", cancellationToken);
        var broken = await admin.ImportImageAsync(notQcow2, "broken", cancellationToken);

        var ready = await SettledAsync(admin, uploaded.Id, cancellationToken);
        (ready.Status, ready.BaseContentAddress, ready.SizeBytes).ShouldBe(("Ready", counter.BaseContentAddress, counter.SizeBytes));
        world.Desktops.Images.Resolve(uploaded.Id.ToString()).ShouldNotBeNull().Address.ShouldBe(counter.BaseContentAddress["sha256:".Length..]);
        var failed = await SettledAsync(admin, broken.Id, cancellationToken);
        failed.Status.ShouldBe("Failed");
        failed.StatusReason.ShouldNotBeNull().ShouldContain("Qcow2");
        world.Desktops.Images.Resolve(broken.Id.ToString()).ShouldBeNull();
        Directory.GetFiles(Path.Combine(world.HostDataDirectory, "incoming-images")).ShouldBeEmpty();
    }

    private static async Task<server::Broker.Server.Api.Images.ImageResponse> SettledAsync(AdminApi admin, Guid id, CancellationToken cancellationToken)
    {
        server::Broker.Server.Api.Images.ImageResponse? image = null;
        await HostAgentWorld.WaitUntilAsync(
            async () => (image = await admin.ImageAsync(id, cancellationToken)).Status is "Ready" or "Failed",
            $"image {id} is imported or refused",
            cancellationToken);
        return image!;
    }
}
