using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ImageHostStatesForAnyImage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // An image registered by address has per-host states but no upload.
            migrationBuilder.DropForeignKey(
                name: "FK_ImageImportHosts_ImageImports_ImageId",
                table: "ImageImportHosts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The states of images registered by address have no upload to point at and are dropped.
            migrationBuilder.Sql("""DELETE FROM "ImageImportHosts" WHERE "ImageId" NOT IN (SELECT "Id" FROM "ImageImports");""");

            migrationBuilder.AddForeignKey(
                name: "FK_ImageImportHosts_ImageImports_ImageId",
                table: "ImageImportHosts",
                column: "ImageId",
                principalTable: "ImageImports",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
