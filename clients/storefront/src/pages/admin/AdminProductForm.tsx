import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ADMIN_PRODUCT, CREATE_PRODUCT, UPDATE_PRODUCT, type AdminProduct, type ProductImage } from '../../documents';
import { codeOf, describeError } from '../../errors';
import { ErrorMessage, FieldError, ProductPicture } from '../../components/format';
import { amountText, parseAmount } from '../../money';
import { usePageTitle } from '../../page';
import { NotFound } from '../NotFound';
import { AdminNav } from './AdminNav';

/** /admin/products/new and /admin/products/:id — the product's fields, price, stock, on sale, pictures. */
export function AdminProductForm() {
  const { id } = useParams();
  const { data, error, refetch } = useQuery(ADMIN_PRODUCT, { variables: { id: id ?? '' }, skip: !id, fetchPolicy: 'network-only' });
  usePageTitle(id ? (data ? `Admin: ${data.product.name}` : null) : 'Admin: new product');
  if (id && !data) {
    if (['NOT_FOUND', 'BAD_USER_INPUT'].includes(codeOf(error))) return <NotFound what="product" />;
    return error ? <ErrorMessage error={error} onRetry={() => void refetch().catch(() => undefined)} /> : <p className="muted">Loading…</p>;
  }
  return <ProductForm key={data?.product.id ?? 'new'} product={data?.product} />;
}

function ProductForm({ product }: { product?: AdminProduct }) {
  const navigate = useNavigate();
  const [sku, setSku] = useState('');
  const [name, setName] = useState(product?.name ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [price, setPrice] = useState(product ? amountText(product.price.amountCents) : '');
  const [stock, setStock] = useState(String(product?.stock ?? 0));
  const [active, setActive] = useState(product?.active ?? true);
  const [images, setImages] = useState<ProductImage[]>(product?.images ?? []);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState('');
  const [create, creating] = useMutation(CREATE_PRODUCT);
  const [update, updating] = useMutation(UPDATE_PRODUCT);
  const failure = creating.error ?? updating.error;
  const fields = { ...describeError(failure).fields, ...local };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    const cents = parseAmount(price);
    const units = Number(stock);
    const problems: Record<string, string> = {};
    if (cents === null) problems.amountCents = 'Please enter a price like 12.50.';
    if (!Number.isInteger(units) || units < 0) problems.stock = 'Please enter a whole number, 0 or more.';
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    // Only the input's fields: what was read carries __typename, which an input type refuses. The price
    // travels as the `Cents` wire string, whatever its size: the API refuses a JSON number.
    const input = { name, description, price: { amountCents: cents as string }, stock: units, images: images.map(({ url, alt }) => ({ url, alt })) };
    try {
      if (product) {
        await update({ variables: { id: product.id, input: { ...input, active } } });
        setSaved('Saved.');
      } else {
        const result = await create({ variables: { input: { ...input, sku } } });
        if (result.data) navigate(`/admin/products/${result.data.createProduct.id}`, { replace: true });
      }
    } catch {
      // Shown beside the fields.
    }
  };
  const described = (key: string) => ({ 'aria-invalid': fields[key] ? true : undefined, 'aria-describedby': fields[key] ? `${key}-error` : undefined });

  return (
    <section className="panel">
      <h1>{product ? `Edit ${product.name}` : 'New product'}</h1>
      <AdminNav />
      <form className="admin-form" onSubmit={submit} noValidate>
        {!product && (
          <>
            <label htmlFor="sku">SKU</label>
            <input id="sku" {...described('sku')} value={sku} onChange={(e) => setSku(e.target.value)} />
            <FieldError id="sku" message={fields.sku} />
          </>
        )}
        <label htmlFor="name">Name</label>
        <input id="name" {...described('name')} value={name} onChange={(e) => setName(e.target.value)} />
        <FieldError id="name" message={fields.name} />
        <label htmlFor="description">Description</label>
        <textarea id="description" {...described('description')} value={description} onChange={(e) => setDescription(e.target.value)} />
        <FieldError id="description" message={fields.description} />
        <label htmlFor="amountCents">Price (USD)</label>
        <input id="amountCents" inputMode="decimal" {...described('amountCents')} value={price} onChange={(e) => setPrice(e.target.value)} />
        <FieldError id="amountCents" message={fields.amountCents} />
        <label htmlFor="stock">Stock</label>
        <input id="stock" type="number" min={0} {...described('stock')} value={stock} onChange={(e) => setStock(e.target.value)} />
        <FieldError id="stock" message={fields.stock} />
        {product && (
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            On sale
          </label>
        )}
        <fieldset>
          <legend>Pictures</legend>
          {images.map((image, index) => (
            <div className="image-row" key={index}>
              <ProductPicture image={/^(https?:\/\/|data:image\/)/i.test(image.url) ? image : undefined} name={name || 'product'} />
              <label htmlFor={`image-url-${index}`}>Picture {index + 1} URL</label>
              <input id={`image-url-${index}`} value={image.url} onChange={(e) => setImages(images.map((entry, i) => (i === index ? { ...entry, url: e.target.value } : entry)))} />
              <label htmlFor={`image-alt-${index}`}>Picture {index + 1} description</label>
              <input id={`image-alt-${index}`} value={image.alt} onChange={(e) => setImages(images.map((entry, i) => (i === index ? { ...entry, alt: e.target.value } : entry)))} />
              <button type="button" className="secondary" onClick={() => setImages(images.filter((_, i) => i !== index))}>
                Remove picture {index + 1}
              </button>
            </div>
          ))}
          <FieldError id="url" message={fields.url} />
          <FieldError id="alt" message={fields.alt} />
          {images.length < 10 && (
            <button type="button" className="secondary" onClick={() => setImages([...images, { url: '', alt: '' }])}>
              Add a picture
            </button>
          )}
        </fieldset>
        <button type="submit" disabled={creating.loading || updating.loading}>
          {product ? 'Save product' : 'Create product'}
        </button>
        <p role="status" className="confirmation">
          {saved}
        </p>
        {failure && Object.keys(describeError(failure).fields).length === 0 && <ErrorMessage error={failure} />}
      </form>
    </section>
  );
}
