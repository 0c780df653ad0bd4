using Broker.Contracts.V1;
using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Server.Administration;
using Broker.Server.Agents;
using Google.Protobuf;
using Grpc.Core;

namespace Broker.Server.Images;

/// <summary>
/// The host agents' side of an image import: the download of the uploaded file (header with size
/// and SHA-256, then the bytes) and the host's report, kept per host (<see cref="ImageImportHost"/>).
/// For an upload, the first success registers the image with the base address that host computed,
/// which makes it Ready; a failure marks only that host Failed (the image is Failed once every host
/// that tried failed and none has it, <see cref="ImageImport.StateOf"/>). For an image registered by
/// address (copied from host to host, never downloaded), a success counts only when the host names
/// the registered base; any other base marks that host Failed.
/// </summary>
internal sealed class ImageImportReports(IImageImportStore imports, IImageStore images, ImageUploadFiles files, IAuditLog audit, TimeProvider time)
{
    private const int ChunkBytes = 256 * 1024;

    /// <summary>Streams image <paramref name="request"/>'s file to host <paramref name="agent"/>; a refusal when it may not have it or there is none.</summary>
    public async Task<AgentRefusal?> DownloadAsync(AgentIdentity agent, DownloadImageRequest request, IAsyncStreamWriter<ImageFileChunk> stream, CancellationToken cancellationToken)
    {
        var (import, byAddress, refusal) = await FindAsync(agent, request.ImageId, cancellationToken);
        if (byAddress is not null)
        {
            return AgentRefusal.NotFound($"Image {byAddress.Id} is registered by address; hosts copy it from each other (IssueImageTicket), the broker has no file of it.");
        }

        if (import is null)
        {
            return refusal;
        }

        var file = files.Open(import.Id);
        if (file is null)
        {
            return AgentRefusal.NotFound($"The file of image {import.Id} is gone.");
        }

        await using (file)
        {
            await stream.WriteAsync(new ImageFileChunk { Header = new ImageFileHeader { SizeBytes = (ulong)import.FileSizeBytes, Sha256 = import.FileSha256 } }, cancellationToken);
            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await stream.WriteAsync(new ImageFileChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
            }
        }

        return null;
    }

    /// <summary>
    /// Applies host <paramref name="agent"/>'s <paramref name="report"/> to its own state with the
    /// image; a refusal when it is malformed or not the host's to make. A failure from a host that
    /// imported the image already is a late echo and changes nothing.
    /// </summary>
    public async Task<AgentRefusal?> ReportAsync(AgentIdentity agent, ImageImportReport report, CancellationToken cancellationToken)
    {
        var (import, byAddress, refusal) = await FindAsync(agent, report.ImageId, cancellationToken);
        var image = import?.Id ?? byAddress?.Id;
        if (image is not { } id)
        {
            return refusal;
        }

        var host = agent.Host!.Value;
        if (!report.Succeeded)
        {
            var held = (await imports.ListHostsAsync(id, cancellationToken)).Any(state => state.Host == host && state.State == ImageHostImportState.Imported);
            if (!held)
            {
                await FailAsync(agent, id, report.Detail, cancellationToken);
            }

            return null;
        }

        if (byAddress is not null)
        {
            if (report.ContentAddress != byAddress.Base.Value)
            {
                // The host holds some other base under this image's id (or named none): it must not serve it as this image.
                var named = report.ContentAddress.Length == 0 ? "no base" : $"base {report.ContentAddress}";
                await FailAsync(agent, id, $"The host reported {named}, but the image is registered as {byAddress.Base}.", cancellationToken);
                return null;
            }

            _ = await RecordImportedAsync(id, host, cancellationToken);
            return null;
        }

        return await ReportUploadAsync(agent, import!, report, cancellationToken);
    }

    /// <summary>A host's success with upload <paramref name="import"/>: the first registers it, any later one must name the same base.</summary>
    private async Task<AgentRefusal?> ReportUploadAsync(AgentIdentity agent, ImageImport import, ImageImportReport report, CancellationToken cancellationToken)
    {
        var host = agent.Host!.Value;
        var draft = new GoldImageDraft(import.Name, import.Version, report.ContentAddress, (long)Math.Min(report.VirtualSizeBytes, long.MaxValue));
        var validated = GoldImage.Create(import.Id, draft);
        if (!validated.IsValid)
        {
            return AgentRefusal.Malformed($"A successful import names the base's content address and virtual size: {string.Join("; ", validated.Errors.Select(error => $"{error.Field} {error.Message}"))}");
        }

        var imported = validated.Value!;
        var registered = await images.FindAsync(import.Id, cancellationToken);
        if (registered is null)
        {
            if ((await images.AddAsync(imported, cancellationToken)).Outcome == WriteOutcome.Saved)
            {
                registered = imported;
                await audit.RecordAsync(time, agent.Actor, "image.ready", $"image:{import.Id}", $"{import.Name} {import.Version} is {report.ContentAddress}", cancellationToken);
            }
            else if ((registered = await images.FindAsync(import.Id, cancellationToken)) is null)
            {
                await FailAsync(agent, import.Id, $"An image named '{import.Name}' with version '{import.Version}' was registered meanwhile.", cancellationToken);
                return null;
            }
        }

        if (registered.Base != imported.Base)
        {
            // The same file gives the same content on every host; a different address is a host that imported something else.
            await FailAsync(agent, import.Id, $"The host's base is {imported.Base}, but the image was registered as {registered.Base}.", cancellationToken);
            return null;
        }

        _ = await RecordImportedAsync(import.Id, host, cancellationToken);
        return null;
    }

    private Task<WriteResult> RecordImportedAsync(ImageId image, HostId host, CancellationToken cancellationToken) =>
        imports.RecordAsync(new ImageImportHost { Image = image, Host = host, State = ImageHostImportState.Imported, UpdatedAt = time.GetUtcNow() }, cancellationToken);

    private async Task FailAsync(AgentIdentity agent, ImageId image, string detail, CancellationToken cancellationToken)
    {
        var state = new ImageImportHost { Image = image, Host = agent.Host!.Value, State = ImageHostImportState.Failed, Detail = detail, UpdatedAt = time.GetUtcNow() };
        _ = await imports.RecordAsync(state, cancellationToken);
        await audit.RecordAsync(time, agent.Actor, "image.failed", $"image:{image}", $"host {agent.Subject}: {detail}", cancellationToken);
    }

    /// <summary>The upload <paramref name="imageId"/>, or else the image registered by that address, or why neither.</summary>
    private async Task<(ImageImport? Import, GoldImage? ByAddress, AgentRefusal? Refusal)> FindAsync(AgentIdentity agent, string imageId, CancellationToken cancellationToken)
    {
        if (agent.Host is null)
        {
            return (null, null, AgentRefusal.Denied("Only host agents import images."));
        }

        if (!Guid.TryParse(imageId, out var id))
        {
            return (null, null, AgentRefusal.Malformed("The image id must be a UUID."));
        }

        if (await imports.FindAsync(new ImageId(id), cancellationToken) is { } import)
        {
            return (import, null, null);
        }

        return await images.FindAsync(new ImageId(id), cancellationToken) is { } registered
            ? (null, registered, null)
            : (null, null, AgentRefusal.NotFound($"There is no image {id}."));
    }
}
