using System.Security.Claims;
using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Images;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Images;

/// <summary>Admin: register and read gold images (immutable once registered).</summary>
internal static class ImageEndpoints
{
    public static RouteGroupBuilder MapImageEndpoints(this RouteGroupBuilder admin)
    {
        var images = admin.MapGroup("/images").WithTags("Images");
        images.MapGet("/", ListAsync).Produces<IReadOnlyList<ImageResponse>>();
        images.MapGet("/{id:guid}", GetAsync).Produces<ImageResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        images.MapPost("/", CreateAsync)
            .Produces<ImageResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return admin;
    }

    private static async Task<IResult> ListAsync(IImageStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken)).Select(ImageResponse.From).ToList());

    private static async Task<IResult> GetAsync(Guid id, IImageStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(new ImageId(id), cancellationToken) is { } image
            ? TypedResults.Ok(ImageResponse.From(image))
            : ApiProblems.NotFound($"There is no image {id}.");

    private static async Task<IResult> CreateAsync(
        ImageRequest request,
        ClaimsPrincipal user,
        IImageStore store,
        IAuditLog audit,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (request.SizeBytes is null)
        {
            errors.Add(new ValidationError(nameof(GoldImage.SizeBytes), "is required."));
        }

        var validated = GoldImage.Create(ImageId.New(), new GoldImageDraft(request.Name, request.Version, request.BaseContentAddress, request.SizeBytes ?? 1));
        if (!validated.IsValid || errors.Count > 0)
        {
            return ApiProblems.Validation([.. errors, .. validated.Errors]);
        }

        var image = validated.Value!;
        var saved = await store.AddAsync(image, cancellationToken);
        if (saved.Outcome != WriteOutcome.Saved)
        {
            return ApiProblems.Conflict("Duplicate", $"An image named '{image.Name}' with version '{image.Version}' exists.");
        }

        await audit.AppendAsync(
            new AuditEvent(Guid.NewGuid(), time.GetUtcNow(), Actor.UserId(user), "image.created", $"image:{image.Id}", true, $"{image.Name} {image.Version}"),
            cancellationToken);
        return TypedResults.Created($"/api/v1/admin/images/{image.Id}", ImageResponse.From(image));
    }
}
