using Broker.Core;
using Broker.Core.Images;
using Broker.Server.Administration;
using Broker.Server.Desktops;
using Broker.Server.Images;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Broker.Server.Portal.Admin;

/// <summary>
/// Gold images: the list (with the import status of uploaded ones, how many hosts have each image,
/// uploaded or registered by address, and which hosts failed it, with a retry through
/// <see cref="ImageImports"/>), and a form to register one through <see cref="ImageRegistry"/>.
/// </summary>
internal sealed class ImagesModel(ImageImports images, ImageRegistry registry, TimeProvider time) : PageModel
{
    public const string FormPrefix = "Input";

    public IReadOnlyList<ImageListing> Images { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    [BindProperty]
    public ImageForm Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Images = await images.ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken cancellationToken)
    {
        var failed = (await images.FindAsync(new ImageId(id), cancellationToken))?.FailedHosts.Count() ?? 0;
        var image = await images.RetryAsync(new ImageId(id), Actor.UserId(User), cancellationToken);
        if (image is null)
        {
            Notice.Problem(TempData, "There is no such image.");
        }
        else
        {
            Notice.Done(TempData, failed == 0
                ? $"No host failed image '{image.Name} {image.Version}': nothing to retry."
                : $"Image '{image.Name} {image.Version}' is offered again to the {failed} host(s) that failed it.");
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            List<ValidationError> missing = Input.SizeBytes is null ? [new ValidationError(nameof(ImageForm.SizeBytes), "is required.")] : [];
            var draft = new GoldImageDraft(Input.Name, Input.Version, Input.BaseContentAddress, Input.SizeBytes ?? 1);
            var registered = await registry.RegisterAsync(draft, missing, Actor.UserId(User), cancellationToken);
            switch (registered.Outcome)
            {
                case ChangeOutcome.Done:
                    Notice.Done(TempData, $"Image '{registered.Value!.Name} {registered.Value.Version}' registered.");
                    return RedirectToPage();
                case ChangeOutcome.Invalid:
                    ModelState.AddErrors(FormPrefix, registered.Errors);
                    break;
                default:
                    ModelState.AddModelError(string.Empty, registered.Detail!);
                    break;
            }
        }

        Now = time.GetUtcNow();
        Images = await images.ListAsync(cancellationToken);
        return Page();
    }
}
