using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Broker.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ImageImportHosts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Reason",
                table: "ImageImports");

            migrationBuilder.DropColumn(
                name: "State",
                table: "ImageImports");

            migrationBuilder.CreateTable(
                name: "ImageImportHosts",
                columns: table => new
                {
                    ImageId = table.Column<Guid>(type: "uuid", nullable: false),
                    HostId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImageImportHosts", x => new { x.ImageId, x.HostId });
                    table.ForeignKey(
                        name: "FK_ImageImportHosts_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ImageImportHosts_ImageImports_ImageId",
                        column: x => x.ImageId,
                        principalTable: "ImageImports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ImageImportHosts_HostId",
                table: "ImageImportHosts",
                column: "HostId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImageImportHosts");

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "ImageImports",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "ImageImports",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Uploaded");
        }
    }
}
