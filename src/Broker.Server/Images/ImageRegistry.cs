using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Images;
using Broker.Server.Administration;

namespace Broker.Server.Images;

/// <summary>
/// Registers gold images by base address for the REST API and the portal alike (images are
/// immutable once registered), and offers each to the connected hosts at once (<see cref="ImageOffers"/>):
/// a host that holds the base says so, the others copy it from one that does.
/// </summary>
internal sealed class ImageRegistry(IImageStore images, ImageOffers offers, IAuditLog audit, TimeProvider time)
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
        _ = await offers.OfferAsync([image.Id], cancellationToken);
        return ChangeResult<GoldImage>.Done(image);
    }
}
