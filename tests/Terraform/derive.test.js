'use strict';
// provider-schema/derive.js on small Go sources written here, whose schemas are known by construction: it must read
// Required/Optional/Computed, nesting, MaxItems, Timeouts and enum validators as the SDK and the provider's helpers define
// them, and stop (not guess) when a helper it models changes or a statement it does not understand touches a schema.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { deriveSdk, deriveFramework } = require('./provider-schema/derive');
const { tokenize } = require('./provider-schema/go-source');

/** An in-memory stand-in for a provider checkout (the interface derive.js reads through). */
function fakeTree(files) {
  return {
    commit: '0'.repeat(40),
    list: (dir) => Object.keys(files).filter((file) => path.posix.dirname(file) === dir),
    read: (file) => files[file],
    grep: (text, dir) => Object.keys(files).filter((file) => file.startsWith(`${dir}/`) && files[file].includes(text)),
  };
}

const HELPERS = `package tpgresource

import "github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

func DatasourceSchemaFromResourceSchema(rs map[string]*schema.Schema) map[string]*schema.Schema {
	ds := make(map[string]*schema.Schema, len(rs))
	for k, v := range rs {
		dv := &schema.Schema{
			Computed: true,
			ForceNew: false,
			Required: false,
		}
		if elem, ok := v.Elem.(*schema.Resource); ok {
			dv.Elem = &schema.Resource{
				Schema: DatasourceSchemaFromResourceSchema(elem.Schema),
			}
		}
		ds[k] = dv
	}
	return ds
}

func FixDatasourceSchemaFlags(schema map[string]*schema.Schema, required bool, keys ...string) {
	for _, v := range keys {
		schema[v].Computed = false
		schema[v].Optional = !required
		schema[v].Required = required
	}
}

func DeleteFieldsFromSchema(schema map[string]*schema.Schema, keys ...string) {
	for _, key := range keys {
		delete(schema, key)
	}
}
`;

const WIDGET = `package widget

import (
	"time"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/validation"
	"github.com/hashicorp/terraform-provider-google/google/registry"
	"github.com/hashicorp/terraform-provider-google/google/tpgresource"
	"github.com/hashicorp/terraform-provider-google/google/verify"
)

func init() {
	registry.Schema{
		Name:        "google_widget",
		ProductName: "widget",
		Type:        registry.SchemaTypeResource,
		Schema:      ResourceWidget(),
	}.Register()
	registry.Schema{
		Name:   "google_widget",
		Type:   registry.SchemaTypeDataSource,
		Schema: DataSourceWidget(),
	}.Register()
}

var sizes = []string{"SMALL", "LARGE"}

func ResourceWidget() *schema.Resource {
	return &schema.Resource{
		Timeouts: &schema.ResourceTimeout{
			Create: schema.DefaultTimeout(20 * time.Minute),
			Delete: schema.DefaultTimeout(20 * time.Minute),
		},
		Schema: map[string]*schema.Schema{
			"name": {Type: schema.TypeString, Required: true, Description: \`The name;\` + " more."},
			"mode": {Type: schema.TypeString, Optional: true, ValidateFunc: verify.ValidateEnum([]string{"FAST", "SLOW", ""})},
			"size": {Type: schema.TypeString, Optional: true, ValidateFunc: validation.StringInSlice(sizes, false)},
			"colour": {Type: schema.TypeString, Optional: true, ValidateFunc: validation.StringInSlice([]string{"red"}, true)},
			"uid": {Type: schema.TypeString, Computed: true},
			"gone": {Type: schema.TypeString, Optional: true, Removed: "use name"},
			"tags": {Type: schema.TypeList, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}},
			"part": {
				Type:     schema.TypeList,
				Required: true,
				MaxItems: 1,
				Elem: &schema.Resource{
					Schema: map[string]*schema.Schema{
						"kind": {Type: schema.TypeString, Required: true},
					},
				},
			},
			"status": {
				Type:     schema.TypeList,
				Computed: true,
				Elem:     &schema.Resource{Schema: map[string]*schema.Schema{"state": {Type: schema.TypeString, Computed: true}}},
			},
		},
	}
}

func DataSourceWidget() *schema.Resource {
	dsSchema := tpgresource.DatasourceSchemaFromResourceSchema(ResourceWidget().Schema)
	tpgresource.AddRequiredFieldsToSchema(dsSchema, "name")
	tpgresource.DeleteFieldsFromSchema(dsSchema, "size")
	if true {
		log.Printf("not about the schema")
	}
	return &schema.Resource{
		Read:   dataSourceWidgetRead,
		Schema: dsSchema,
	}
}
`;

const SLEEP = `package provider

func (t *widgetSleepResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sleep"
}

func (t *widgetSleepResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"create_duration": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf("1s", "2s"),
				},
			},
			"id": schema.StringAttribute{Computed: true},
		},
		Blocks: map[string]schema.Block{
			"step": schema.ListNestedBlock{
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{Required: true},
					},
				},
			},
		},
	}
}
`;

function derive(files, types) {
  return deriveSdk(fakeTree(files), 'google', { resources: [], dataSources: [], providerConfig: false, ...types });
}

const FILES = { 'google/tpgresource/datasource_helpers.go': HELPERS, 'google/services/widget/resource_widget.go': WIDGET };

test('derive reads a resource schema as the SDK defines it', () => {
  const { resources } = derive(FILES, { resources: ['google_widget'] });
  const widget = resources.google_widget;
  assert.deepEqual(widget.files, ['google/services/widget/resource_widget.go']);
  assert.deepEqual(widget.timeouts, ['create', 'delete']);
  assert.deepEqual(widget.block.attributes, {
    colour: { type: 'string', optional: true }, // case-insensitive StringInSlice: not an enum a literal check may enforce
    mode: { type: 'string', optional: true, enum: ['FAST', 'SLOW', ''] },
    name: { type: 'string', required: true },
    size: { type: 'string', optional: true, enum: ['SMALL', 'LARGE'] }, // through a package variable
    status: { type: 'list(object)', computed: true }, // a computed-only nested list is an attribute, not a block
    tags: { type: 'list(string)', optional: true },
    uid: { type: 'string', computed: true },
  });
  assert.deepEqual(widget.block.blocks, { part: { nesting: 'list', required: true, min: 1, max: 1, block: { attributes: { kind: { type: 'string', required: true } }, blocks: {} } } });
});

test('derive builds a data source schema through DatasourceSchemaFromResourceSchema and the field helpers', () => {
  const { dataSources } = derive(FILES, { dataSources: ['google_widget'] });
  const widget = dataSources.google_widget;
  assert.deepEqual(widget.files, ['google/services/widget/resource_widget.go', 'google/tpgresource/datasource_helpers.go']);
  assert.deepEqual(widget.block.attributes.name, { type: 'string', required: true });
  assert.deepEqual(widget.block.attributes.mode, { type: 'string', computed: true }); // validators are not copied
  assert.deepEqual(widget.block.attributes.part, { type: 'list(object)', computed: true });
  assert.equal(widget.block.attributes.size, undefined);
  assert.deepEqual(widget.block.blocks, {});
});

test('derive stops when a helper it models no longer does what it models', () => {
  const changed = { ...FILES, 'google/tpgresource/datasource_helpers.go': HELPERS.replace('schema[v].Computed = false', 'schema[v].Computed = true') };
  assert.throws(() => derive(changed, { dataSources: ['google_widget'] }), /FixDatasourceSchemaFlags no longer contains "schema \[ v \] \. Computed = false"; the deriver must be updated/);
});

test('derive stops at a statement it does not understand that changes a schema under construction', () => {
  const changed = { ...FILES, 'google/services/widget/resource_widget.go': WIDGET.replace('tpgresource.DeleteFieldsFromSchema(dsSchema, "size")', 'tpgresource.RenameField(dsSchema, "size", "bulk")') };
  assert.throws(() => derive(changed, { dataSources: ['google_widget'] }), /does not understand this statement of DataSourceWidget/);
});

test('derive reports a type it cannot find instead of skipping it', () => {
  assert.throws(() => derive(FILES, { resources: ['google_gadget'] }), /no registration of resource google_gadget/);
});

test('derive reads a plugin-framework schema from the Schema method whose Metadata names the type', () => {
  const { resources } = deriveFramework(fakeTree({ 'internal/provider/resource_widget_sleep.go': SLEEP }), 'widget', { resources: ['widget_sleep'], dataSources: [] });
  assert.deepEqual(resources.widget_sleep.block, {
    attributes: { create_duration: { type: 'string', optional: true, enum: ['1s', '2s'] }, id: { type: 'string', computed: true } },
    blocks: { step: { nesting: 'list', block: { attributes: { name: { type: 'string', required: true } }, blocks: {} } } },
  });
});

test('the Go tokenizer inserts semicolons where Go does and keeps raw strings whole', () => {
  const tokens = tokenize('x := a.B{\n  "k": `line1\nline2`,\n}\nreturn x\n');
  assert.deepEqual(tokens.map((token) => token.value), ['x', ':=', 'a', '.', 'B', '{', 'k', ':', 'line1\nline2', ',', '}', ';', 'return', 'x', ';']);
});
