using System.Security.Claims;
using Broker.Core;
using Broker.Core.Images;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Images;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Broker.Server.Api.Images;

/// <summary>Admin: register, upload and read gold images (immutable once registered), and retry the hosts that failed one.</summary>
internal static class ImageEndpoints
{
    private const string UploadPath = "/api/v1/admin/images/import";

    public static RouteGroupBuilder MapImageEndpoints(this RouteGroupBuilder admin)
    {
        var images = admin.MapGroup("/images").WithTags("Images");
        images.MapGet("/", ListAsync).Produces<IReadOnlyList<ImageResponse>>();
        images.MapGet("/{id:guid}", GetAsync).Produces<ImageResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        images.MapPost("/", CreateAsync)
            .Produces<ImageResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        images.MapPost("/import", ImportAsync)
            .Accepts<Stream>("application/octet-stream")
            .Produces<ImageResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        images.MapPost("/{id:guid}/retry", RetryAsync).Produces<ImageResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    /// <summary>True for the upload, which streams its body to disk under <see cref="ImageUploadOptions.MaxFileBytes"/> rather than the API's body limit.</summary>
    public static bool IsUpload(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method) && request.Path.Equals(UploadPath, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<IResult> ListAsync(ImageImports images, CancellationToken cancellationToken) =>
        TypedResults.Ok((await images.ListAsync(cancellationToken)).Select(ImageResponse.From).ToList());

    private static async Task<IResult> GetAsync(Guid id, ImageImports images, CancellationToken cancellationToken) =>
        await images.FindAsync(new ImageId(id), cancellationToken) is { } image
            ? TypedResults.Ok(ImageResponse.From(image, withHosts: true))
            : ApiProblems.NotFound($"There is no image {id}.");

    /// <summary>
    /// Forgets the hosts that failed the image, so each is offered it again (those connected
    /// at once); 200 with the image either way, and nothing changes when no host failed it.
    /// </summary>
    private static async Task<IResult> RetryAsync(Guid id, ClaimsPrincipal user, ImageImports images, CancellationToken cancellationToken) =>
        await images.RetryAsync(new ImageId(id), Actor.UserId(user), cancellationToken) is { } image
            ? TypedResults.Ok(ImageResponse.From(image, withHosts: true))
            : ApiProblems.NotFound($"There is no image {id}.");

    private static async Task<IResult> CreateAsync(ImageRequest request, ClaimsPrincipal user, ImageRegistry registry, ImageImports images, CancellationToken cancellationToken)
    {
        List<ValidationError> errors = request.SizeBytes is null ? [new ValidationError(nameof(GoldImage.SizeBytes), "is required.")] : [];
        var draft = new GoldImageDraft(request.Name, request.Version, request.BaseContentAddress, request.SizeBytes ?? 1);
        var registered = await registry.RegisterAsync(draft, errors, Actor.UserId(user), cancellationToken);
        var listed = registered.Outcome == ChangeOutcome.Done ? await images.FindAsync(registered.Value!.Id, cancellationToken) : null;
        return ApiProblems.For(registered, image => TypedResults.Created($"/api/v1/admin/images/{image.Id}", ImageResponse.From(listed!)));
    }

    /// <summary>
    /// The image file is the request body (any content type), streamed to disk; <c>name</c> and
    /// <c>version</c> come in the query. 202: stored and offered to the hosts; 400: not a disk
    /// image; 413: over the limit.
    /// </summary>
    private static async Task<IResult> ImportAsync(string? name, string? version, HttpRequest request, ClaimsPrincipal user, ImageImports images, CancellationToken cancellationToken)
    {
        if (request.ContentLength > images.MaxFileBytes)
        {
            return TooLarge(images.MaxFileBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = images.MaxFileBytes;
        }

        var result = await images.UploadAsync(name, version, request.Body, Actor.UserId(user), cancellationToken);
        return result.Outcome switch
        {
            ImageUploadOutcome.Done => TypedResults.Accepted($"/api/v1/admin/images/{result.Image!.Id}", ImageResponse.From(result.Image, withHosts: true)),
            ImageUploadOutcome.Invalid => ApiProblems.Validation(result.Errors),
            ImageUploadOutcome.Duplicate => ApiProblems.Conflict("Duplicate", result.Detail),
            ImageUploadOutcome.NotAnImage => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a disk image", detail: result.Detail),
            ImageUploadOutcome.TooLarge => TooLarge(images.MaxFileBytes),
            _ => throw new InvalidOperationException($"Unknown outcome {result.Outcome}."),
        };
    }

    private static ProblemHttpResult TooLarge(long maxFileBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Image file too large", detail: $"Image files may be at most {maxFileBytes} bytes.");
}
