import flagsmith from 'flagsmith';

flagsmith.init({ environmentID: 'env-key' }).then(() => {
  if (flagsmith.hasFeature('js-secret-button')) {
    renderButton(flagsmith.getValue('js-button-colour'));
  }
});
