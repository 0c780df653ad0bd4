using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Images;
using Broker.Server.Administration;

namespace Broker.Server.Images;

/// <summary>Registers gold images for the REST API and the portal alike (images are immutable once registered).</summary>
internal sealed class ImageRegistry(IImageStore images, IAuditLog audit, TimeProvider time)
{
    /// <summary>Registers <paramref name="draft"/>; <paramref name="inputErrors"/> are problems the caller found in its own input.</summary>
    public async Task<ChangeResult<GoldImage>> RegisterAsync(GoldImageDraft draft, IReadOnlyCollection<ValidationError> inputErrors, string actor, CancellationToken cancellationToken)
    {
        var validated = GoldImage.Create(ImageId.New(), draft);
        if (!validated.IsValid || inputErrors.Count > 0)
        {
            return ChangeResult<GoldImage>.Invalid(ValidationErrors.Merge(inputErrors, validated.Errors));
        }

        var image = validated.Value!;
        var saved = await images.AddAsync(image, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ChangeResult<GoldImage>.Duplicate($"An image named '{image.Name}' with version '{image.Version}' exists.");
        }

        await audit.RecordAsync(time, actor, "image.created", $"image:{image.Id}", $"{image.Name} {image.Version}", cancellationToken);
        return ChangeResult<GoldImage>.Done(image);
    }
}
