using System.Collections.Concurrent;
using System.Security.Cryptography;
using Broker.Contracts.V1;
using Broker.HostAgent.Broker;
using Broker.HostAgent.Desktops;
using Broker.HostAgent.Enrollment;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.HostAgent.Images;

/// <summary>
/// Carries out IMPORT_IMAGE: downloads the image file uploaded to the broker (DownloadImage, with
/// the host's own credential), checks it against the size and SHA-256 the broker announced,
/// imports it into the base store under the broker's image id and reports the base's content
/// address (ReportImageImport). A host that already holds the image only reports it again; a
/// download that does not match is refused and nothing of it is stored. An import runs beside the
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
            var report = await FetchAndImportAsync(client, credential, command.ImageId, cancellationToken).ConfigureAwait(false);
            _ = await client.ReportImageImportAsync(report, credential, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogImported(logger, command.ImageId, report.Succeeded, report.Succeeded ? report.ContentAddress : report.Detail);
            return report.Succeeded ? CommandOutcome.Done : CommandOutcome.Refused(report.Detail);
        }
        catch (RpcException exception)
        {
            // The broker is unreachable or refused the download: nothing to report, the import may be offered again.
            return CommandOutcome.Refused($"Image {command.ImageId} could not be fetched: {exception.Status.Detail}");
        }
    }

    private async Task<ImageImportReport> FetchAndImportAsync(AgentGateway.AgentGatewayClient client, Metadata credential, string imageId, CancellationToken cancellationToken)
    {
        var images = desktops.Images;
        if (images.Resolve(imageId) is null)
        {
            Directory.CreateDirectory(paths.IncomingImages);
            var path = Path.Combine(paths.IncomingImages, $"{Guid.NewGuid():N}.img");
            try
            {
                using var call = client.DownloadImage(new DownloadImageRequest { ImageId = imageId }, credential, cancellationToken: cancellationToken);
                await DownloadAsync(call.ResponseStream, path, cancellationToken).ConfigureAwait(false);
                _ = await images.ImportAsync(path, imageId, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageImportException exception)
            {
                return new ImageImportReport { ImageId = imageId, Succeeded = false, Detail = exception.Message };
            }
            finally
            {
                File.Delete(path);
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

    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Import of image {ImageId}: succeeded {Succeeded}, {Outcome}")]
    private static partial void LogImported(ILogger logger, string imageId, bool succeeded, string outcome);
}
