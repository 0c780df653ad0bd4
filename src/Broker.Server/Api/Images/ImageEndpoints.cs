using System.Security.Claims;
using Broker.Core;
using Broker.Core.Images;
using Broker.Server.Desktops;
using Broker.Server.Images;

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

    private static async Task<IResult> CreateAsync(ImageRequest request, ClaimsPrincipal user, ImageRegistry registry, CancellationToken cancellationToken)
    {
        List<ValidationError> errors = request.SizeBytes is null ? [new ValidationError(nameof(GoldImage.SizeBytes), "is required.")] : [];
        var draft = new GoldImageDraft(request.Name, request.Version, request.BaseContentAddress, request.SizeBytes ?? 1);
        var registered = await registry.RegisterAsync(draft, errors, Actor.UserId(user), cancellationToken);
        return ApiProblems.For(registered, image => TypedResults.Created($"/api/v1/admin/images/{image.Id}", ImageResponse.From(image)));
    }
}
