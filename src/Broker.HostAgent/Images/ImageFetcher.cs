using System.Collections.Concurrent;
using System.Security.Cryptography;
using Broker.Contracts.V1;
using Broker.Disks.Transfer;
using Broker.HostAgent.Broker;
using Broker.HostAgent.Desktops;
using Broker.HostAgent.Enrollment;
using Broker.Transfer;
using Broker.Transfer.Client;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.HostAgent.Images;

/// <summary>
/// Carries out IMPORT_IMAGE and reports the outcome with the base's content address
/// (ReportImageImport). An image uploaded to the broker is downloaded from it (DownloadImage, with
/// the host's own credential), checked against the size and SHA-256 the broker announced and
/// imported; a download that does not match is refused and nothing of it is stored. An image
/// registered by address (the command names its <c>content_address</c>) is named at once when the
/// base store holds that base, and otherwise copied from a host that holds it: the broker picks the
/// source and signs an image pull ticket (IssueImageTicket), and <see cref="BaseImagePuller"/> pulls
/// the base over that host's DiskTransfer, resumable and verified against the address. A host that
/// already holds the image only reports it again. A fetch the broker or the source could not serve
/// right now (no source yet, a host unreachable, a ticket expired) is not reported: the broker
/// offers the image again later, and a pull resumes where it stopped. An import runs beside the
/// desktop commands, until it ends or the agent stops (not the broker stream that offered it): a
/// gold image is many gigabytes, and an offer again on a new stream joins the import under way.
/// </summary>
internal sealed partial class ImageFetcher(
    HostIdentity identity,
    BrokerHandler handler,
    DesktopManager desktops,
    HostAgentPaths paths,
    IHostApplicationLifetime lifetime,
    ILogger<ImageFetcher> logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<CommandOutcome>>> _running = new(StringComparer.Ordinal);

    /// <summary>The import of the command's image: the one under way, or a new one started in the background.</summary>
    public Task<CommandOutcome> ImportAsync(AgentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var import = _running.GetOrAdd(command.ImageId, _ => new Lazy<Task<CommandOutcome>>(() => Task.Run(() => RunAsync(command, lifetime.ApplicationStopping))));
        return import.Value;
    }

    private async Task<CommandOutcome> RunAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await FetchAsync(command, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = _running.TryRemove(command.ImageId, out _);
        }
    }

    private async Task<CommandOutcome> FetchAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        using var channel = BrokerChannels.Create(identity.Server, handler.Handler);
        var client = new AgentGateway.AgentGatewayClient(channel);
        var credential = new Metadata { { "authorization", "Bearer " + identity.Credential } };
        try
        {
            var report = await FetchAndImportAsync(client, credential, command, cancellationToken).ConfigureAwait(false);
            _ = await client.ReportImageImportAsync(report, credential, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogImported(logger, command.ImageId, report.Succeeded, report.Succeeded ? report.ContentAddress : report.Detail);
            return report.Succeeded ? CommandOutcome.Done : CommandOutcome.Refused(report.Detail);
        }
        catch (RpcException exception)
        {
            // The broker or the source host is unreachable, or could not serve it yet: nothing to report, the import is offered again.
            return CommandOutcome.Refused($"Image {command.ImageId} could not be fetched: {exception.Status.Detail}");
        }
    }

    private async Task<ImageImportReport> FetchAndImportAsync(AgentGateway.AgentGatewayClient client, Metadata credential, AgentCommand command, CancellationToken cancellationToken)
    {
        var images = desktops.Images;
        var imageId = command.ImageId;
        if (images.Resolve(imageId) is null)
        {
            try
            {
                if (command.ContentAddress.Length > 0)
                {
                    await CopyFromHostAsync(client, credential, command, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await DownloadUploadAsync(client, credential, imageId, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ImageImportException exception)
            {
                return new ImageImportReport { ImageId = imageId, Succeeded = false, Detail = exception.Message };
            }
        }

        var image = images.Resolve(imageId)!;
        return new ImageImportReport
        {
            ImageId = imageId,
            Succeeded = true,
            ContentAddress = ImageCatalog.AddressPrefix + image.Address,
            VirtualSizeBytes = (ulong)image.VirtualSize,
        };
    }

    private async Task DownloadUploadAsync(AgentGateway.AgentGatewayClient client, Metadata credential, string imageId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.IncomingImages);
        var path = Path.Combine(paths.IncomingImages, $"{Guid.NewGuid():N}.img");
        try
        {
            using var call = client.DownloadImage(new DownloadImageRequest { ImageId = imageId }, credential, cancellationToken: cancellationToken);
            await DownloadAsync(call.ResponseStream, path, cancellationToken).ConfigureAwait(false);
            _ = await desktops.Images.ImportAsync(path, imageId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Names the base the command's address gives as the image, copying it from another host first
    /// when the base store lacks it (one reference taken for the name, as an import takes).
    /// </summary>
    /// <exception cref="ImageImportException">The address is malformed, or the source's base is not what it names.</exception>
    /// <exception cref="RpcException">The broker has no source for it yet, or the source could not be reached: try again later.</exception>
    private async Task CopyFromHostAsync(AgentGateway.AgentGatewayClient client, Metadata credential, AgentCommand command, CancellationToken cancellationToken)
    {
        var images = desktops.Images;
        var address = ImageCatalog.BareAddress(command.ContentAddress)
            ?? throw new ImageImportException($"'{command.ContentAddress}' is not a content address (sha256: and 64 hex digits).");
        if (images.Bases.Find(address) is not null)
        {
            _ = await images.Bases.AddReferenceAsync(address, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var grant = await client.IssueImageTicketAsync(new IssueImageTicketRequest { ImageId = command.ImageId }, credential, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!string.Equals(grant.BaseContentAddress, address, StringComparison.Ordinal) || !Uri.TryCreate(grant.SourceTransferAddress, UriKind.Absolute, out var source))
            {
                throw new ImageImportException($"The broker's image ticket names base '{grant.BaseContentAddress}' at '{grant.SourceTransferAddress}', not {address} at a host's address.");
            }

            LogCopying(logger, command.ImageId, address, grant.SourceHostId);
            using var channel = TransferChannelOptions.CreateChannel(source);
            var puller = new BaseImagePuller(TransferClient.ForImage(channel.CreateCallInvoker(), grant.Ticket), images.Bases, paths.IncomingImages);
            try
            {
                _ = await puller.PullAsync(address, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ChunkManifestException or ChunkIntegrityException)
            {
                throw new ImageImportException($"The copy of base {address} from host {grant.SourceHostId} was refused: {exception.Message}", exception);
            }
        }

        await images.NameAsync(command.ImageId, address, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the download to <paramref name="path"/>, refusing one whose length or SHA-256 is not what its header announced.</summary>
    /// <exception cref="ImageImportException">The download does not match its header.</exception>
    internal static async Task DownloadAsync(IAsyncStreamReader<ImageFileChunk> stream, string path, CancellationToken cancellationToken)
    {
        if (!await stream.MoveNext(cancellationToken).ConfigureAwait(false) || stream.Current.PartCase != ImageFileChunk.PartOneofCase.Header)
        {
            throw new ImageImportException("The broker's image download does not start with its header.");
        }

        var header = stream.Current.Header;
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ulong length = 0;
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            while (await stream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var data = stream.Current.Data.Memory;
                length += (ulong)data.Length;
                if (length > header.SizeBytes)
                {
                    throw new ImageImportException($"The image download is longer than the {header.SizeBytes} bytes announced.");
                }

                sha256.AppendData(data.Span);
                await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var actual = Convert.ToHexStringLower(sha256.GetHashAndReset());
        if (length != header.SizeBytes || !string.Equals(actual, header.Sha256, StringComparison.Ordinal))
        {
            throw new ImageImportException($"The image download does not match: {length} bytes with SHA-256 {actual}, announced {header.SizeBytes} bytes with SHA-256 {header.Sha256}.");
        }
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Copying image {ImageId} (base {Address}) from host {SourceHostId}")]
    private static partial void LogCopying(ILogger logger, string imageId, string address, string sourceHostId);

    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Import of image {ImageId}: succeeded {Succeeded}, {Outcome}")]
    private static partial void LogImported(ILogger logger, string imageId, bool succeeded, string outcome);
}
