using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Broker.Contracts.V1;
using Broker.Core.Images;
using Broker.Persistence;
using Broker.Server.Api.Images;
using Broker.Server.Tests.Agents;
using Broker.Testing.Databases;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Images;

/// <summary>
/// An uploaded image on its way to the hosts over the real gateway: a connected host is told to
/// fetch it, downloads exactly the uploaded bytes under their SHA-256 with its own credential (a
/// device may not), and its report makes the image Ready with the address it computed, or Failed
/// with its reason.
/// </summary>
public sealed class ImageDistributionTests(PostgresCluster cluster)
{
    private static readonly string SomeAddress = "sha256:" + new string('a', 64);

    [Fact]
    public async Task Upload_ConnectedHostFetchesAndReports_ImageIsReadyOrFailed()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2)); // a lost command fails the test instead of hanging it
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var hostCredential = await world.SeedCredentialAsync(CoreAgentKind.Host, (await world.FirstHostAsync(cancellationToken)).Value, cancellationToken);
        var host = AgentWorld.Bearer(hostCredential);
        var device = AgentWorld.Bearer(await world.SeedCredentialAsync(CoreAgentKind.Device, world.Api.AliceDevice.Value, cancellationToken));
        var (call, _) = await world.ConnectAsync(hostCredential, cancellationToken);
        using var connected = call;
        var disk = RandomNumberGenerator.GetBytes(600 * 1024); // more than one download chunk

        var uploaded = await UploadAsync(world, "fedora", disk, cancellationToken);
        uploaded.Status.ShouldBe("Distributing");
        var command = await AgentWorld.ImportCommandAsync(call, uploaded.Id, cancellationToken);
        command.ContentAddress.ShouldBeEmpty("an upload is downloaded from the broker");

        var (header, downloaded) = await DownloadAsync(world, command.ImageId, host, cancellationToken);
        header.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(disk)));
        header.SizeBytes.ShouldBe((ulong)disk.Length);
        downloaded.ShouldBe(disk);
        (await Should.ThrowAsync<RpcException>(() => DownloadAsync(world, command.ImageId, device, cancellationToken))).StatusCode.ShouldBe(StatusCode.PermissionDenied);
        (await Should.ThrowAsync<RpcException>(() => DownloadAsync(world, Guid.NewGuid().ToString(), host, cancellationToken))).StatusCode.ShouldBe(StatusCode.NotFound);

        var success = new ImageImportReport { ImageId = command.ImageId, Succeeded = true, ContentAddress = SomeAddress, VirtualSizeBytes = (ulong)disk.Length };
        await world.Gateway.ReportImageImportAsync(success, host, cancellationToken: cancellationToken);
        await world.Gateway.ReportImageImportAsync(new ImageImportReport { ImageId = command.ImageId, Detail = "too late" }, host, cancellationToken: cancellationToken);
        var ready = await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken);
        (ready.Status, ready.BaseContentAddress, ready.SizeBytes, ready.StatusReason).ShouldBe(("Ready", SomeAddress, (long)disk.Length, (string?)null));
        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<IImageStore>().FindAsync(new ImageId(uploaded.Id), cancellationToken)).ShouldNotBeNull().Base.Value.ShouldBe(SomeAddress);
        }

        var refused = await UploadAsync(world, "broken", new byte[4096], cancellationToken);
        var refusedCommand = await AgentWorld.ImportCommandAsync(call, refused.Id, cancellationToken);
        await world.Gateway.ReportImageImportAsync(new ImageImportReport { ImageId = refusedCommand.ImageId, Detail = "qemu-img: not a qcow2" }, host, cancellationToken: cancellationToken);
        var failed = await ImageWorld.ImageAsync(world, refused.Id, cancellationToken);
        failed.Status.ShouldBe("Failed");
        failed.StatusReason.ShouldNotBeNull().ShouldEndWith("qemu-img: not a qcow2");
        (await Should.ThrowAsync<RpcException>(() => world.Gateway.ReportImageImportAsync(success, device, cancellationToken: cancellationToken).ResponseAsync)).StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    private static async Task<ImageResponse> UploadAsync(AgentWorld world, string name, byte[] disk, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(disk);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/import?name={name}&version=1", UriKind.Relative), body, cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(cancellationToken));
        return await ApiWorld.ReadAsync<ImageResponse>(response, cancellationToken);
    }

    private static async Task<(ImageFileHeader Header, byte[] Bytes)> DownloadAsync(AgentWorld world, string imageId, Metadata credential, CancellationToken cancellationToken)
    {
        using var call = world.Gateway.DownloadImage(new DownloadImageRequest { ImageId = imageId }, credential, cancellationToken: cancellationToken);
        (await call.ResponseStream.MoveNext(cancellationToken)).ShouldBeTrue();
        var header = call.ResponseStream.Current.Header.ShouldNotBeNull();
        using var bytes = new MemoryStream();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            call.ResponseStream.Current.PartCase.ShouldBe(ImageFileChunk.PartOneofCase.Data);
            call.ResponseStream.Current.Data.WriteTo(bytes);
        }

        return (header, bytes.ToArray());
    }
}
